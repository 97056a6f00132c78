import { it, assert } from "@effect/vitest"
import { Money } from "@cloudportal/core"
import { termsSuite } from "@cloudportal/core/testing"
import readme from "../../README.md?raw"
it("probe", () => { assert.strictEqual(Money.cents(1).amountCents, 1); assert.isFunction(termsSuite); assert.isString(readme) })
