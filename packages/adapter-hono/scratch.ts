import * as Core from "@cloudportal/core"
import { Schema } from "effect"
try {
const ne = new Core.NotEligible({ contractModel: "DV", blockingReasons: [{ kind: "aboveThreshold", detail: "x" }] })
console.log(JSON.stringify(Schema.encodeUnknownSync(Schema.toCodecJson(ne.constructor as unknown as Schema.Top))(ne)))
} catch (e) { console.log("ERR", e) }
