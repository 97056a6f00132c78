import { render, toPlainText } from "@react-email/render"
import { it } from "vitest"
import T from "../src/emails/registration-confirmation.tsx"

it("scratch", async () => {
  const html = await render(<T {...T.PreviewProps} />)
  console.log(html)
  console.log("-----")
  console.log(toPlainText(html))
})
