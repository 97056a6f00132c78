import { conformance } from "./support/conformance.ts"

conformance("file")
