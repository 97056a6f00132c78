export { type Argon2Options, argon2Defaults, layerArgon2, parseArgon2id } from "./Argon2Hasher.ts"
