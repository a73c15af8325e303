// Loads the package's index.js with its source kept compact in V8's heap.
//
// V8 keeps a script's whole source for lazy compilation, as Latin-1 (1 byte a character) when every character
// fits, otherwise as UTF-16. SDK bundles are ~2.5 MB and esbuild escapes non-ASCII in code, but it keeps
// comments verbatim: a few em dashes in the SDK's JSDoc double the source to ~5 MB for the package's lifetime.
// Rewriting the characters that sit in comments saves that without changing what the code does.
import { isAscii } from "node:buffer"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as vm from "node:vm"

const CJS_PARAMS = ["exports", "require", "module", "__filename", "__dirname"]
const NON_ASCII = /[^\x00-\x7f]/

/** Runs a CommonJS file like `require` does and returns its `module.exports`. */
export function loadPackage(path: string): unknown {
  let source = compactSource(fs.readFileSync(path))
  if (source.startsWith("#!")) source = "//" + source.slice(2) // a function body cannot start with a hashbang
  // import() inside the package resolves like it would under require.
  const body = vm.compileFunction(source, CJS_PARAMS, { filename: path, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER })
  const module = { exports: {} as unknown, filename: path, id: path, loaded: false }
  const dirname = path.slice(0, Math.max(path.lastIndexOf("/"), 1))
  body.call(module.exports, module.exports, createRequire(path), module, path, dirname)
  module.loaded = true
  return module.exports
}

/**
 * The UTF-8 file as a string V8 can keep one byte per character: every non-ASCII character inside a comment
 * becomes its `\u{…}` spelling (U+2028/U+2029 a newline, so line numbers and automatic semicolons stay). When
 * non-ASCII sits outside comments (strings, identifiers: V8 must see those as they are) or the scan cannot tell
 * where the comments are, the file is decoded unchanged.
 */
export function compactSource(file: Buffer): string {
  if (isAscii(file)) return file.toString("latin1")
  // The bytes as Latin-1: one character per byte, so offsets match and nothing two-byte is ever built. JS
  // syntax is ASCII, so the scan finds the same comments as in the decoded text.
  const bytes = file.toString("latin1")
  const comments = commentRanges(bytes)
  if (!comments) return file.toString("utf8")
  const parts: string[] = []
  let at = 0
  for (const [start, end] of comments) {
    if (!NON_ASCII.test(bytes.slice(start, end))) continue
    const code = bytes.slice(at, start)
    if (NON_ASCII.test(code)) return file.toString("utf8")
    parts.push(code, bytes.slice(start, end).replace(UTF8_SEQUENCE, escapeInComment))
    at = end
  }
  const rest = bytes.slice(at)
  if (NON_ASCII.test(rest)) return file.toString("utf8")
  parts.push(rest)
  return parts.join("")
}

// One UTF-8 encoded character, seen as Latin-1. Replacing on the Latin-1 text keeps the result one-byte:
// V8 builds a replacement's result in the subject's width, so decoding the comment first would make it UTF-16.
const UTF8_SEQUENCE = /[\xc0-\xf7][\x80-\xbf]*/g

function escapeInComment(sequence: string): string {
  const cp = Buffer.from(sequence, "latin1").toString("utf8").codePointAt(0) as number
  if (cp === 0x2028 || cp === 0x2029) return "\n"
  return `\\u{${cp.toString(16)}}`
}

// Words after which a `/` starts a regular expression rather than a division.
const REGEX_AFTER = new Set(["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"])

// The scan runs on V8's compiled regular expressions, not a loop per character: the runtime runs without the
// optimizing compiler, where a loop over 2.5 MB takes ~200 ms and these take ~20 ms.
const PLAIN = /[^'"`/{}]+/y // code with nothing that opens or closes a literal, a comment or a brace
// Ends at a line end, also U+2028/U+2029 seen as their UTF-8 bytes E2 80 A8/A9.
const LINE_COMMENT = /\/\/(?:[^\n\r\u2028\u2029\xe2]|\xe2(?!\x80[\xa8\xa9]))*/y
const STRING = /'(?:[^'\\\n\r]|\\[^])*'|"(?:[^"\\\n\r]|\\[^])*"/y
const REGEX = /\/(?:[^\\/[\n\r\u2028\u2029]|\\[^\n\r\u2028\u2029]|\[(?:[^\]\\\n\r\u2028\u2029]|\\[^\n\r\u2028\u2029])*\])+\/[\w$]*/y
const TEMPLATE_TEXT = /(?:[^`\\$]|\\[^]|\$(?!\{))*/y // up to the closing backtick or a `${`
const LAST_WORD = /[\w$\\\u0080-\uffff]+$/
const SPACE = /\s/

function matchAt(re: RegExp, s: string, at: number): number {
  re.lastIndex = at
  return re.test(s) ? re.lastIndex : -1
}

/**
 * Whether a `/` right after s[from, to) starts a regular expression: decided by its last token, if any. A
 * regex right after `)` (`if (x) /re/`) reads as a division; bundlers emit that rarely, and esbuild never with
 * raw non-ASCII inside (it escapes it), which is the only case where a wrong guess could rewrite code.
 */
function regexMayFollow(s: string, from: number, to: number, before: boolean): boolean {
  let end = to
  while (end > from && SPACE.test(s[end - 1])) end--
  if (end === from) return before
  const last = s[end - 1]
  if (last === ")" || last === "]") return false
  if ((last === "+" || last === "-") && s[end - 2] === last) return false // x++ / y
  const word = LAST_WORD.exec(s.slice(Math.max(from, end - 12), end))?.[0]
  if (word === undefined) return true // an operator or punctuator
  return REGEX_AFTER.has(word) && s[end - word.length - 1] !== "."
}

/**
 * [start, end) of every comment in s (JS text, or a UTF-8 file's bytes as Latin-1), from a scan that knows
 * strings, template literals (with nested `${}`) and regular expressions; null when the scan gets lost
 * (unterminated literal, unbalanced braces).
 */
export function commentRanges(s: string): Array<[number, number]> | null {
  const out: Array<[number, number]> = []
  const nesting: Array<"{" | "${"> = []
  const n = s.length
  let i = 0
  let regexAllowed = true

  // From inside template text at j: the index after its closing backtick or after `${`, -1 if unterminated.
  const templateText = (j: number): number => {
    j = matchAt(TEMPLATE_TEXT, s, j)
    if (s[j] === "`") return j + 1
    if (s[j] === "$") {
      nesting.push("${")
      return j + 2
    }
    return -1
  }

  while (i < n) {
    const c = s[i]
    let next: number
    if (c === "/") {
      if (s[i + 1] === "/") {
        next = matchAt(LINE_COMMENT, s, i)
        out.push([i, next])
        i = next
        continue
      }
      if (s[i + 1] === "*") {
        const end = s.indexOf("*/", i + 2)
        if (end < 0) return null
        out.push([i, end + 2])
        i = end + 2
        continue
      }
      if (regexAllowed) {
        next = matchAt(REGEX, s, i)
        if (next < 0) return null
        regexAllowed = false
      } else {
        next = i + 1
        regexAllowed = true
      }
    } else if (c === "'" || c === '"') {
      next = matchAt(STRING, s, i)
      if (next < 0) return null
      regexAllowed = false
    } else if (c === "`") {
      next = templateText(i + 1)
      if (next < 0) return null
      regexAllowed = false
    } else if (c === "{") {
      nesting.push("{")
      next = i + 1
      regexAllowed = true
    } else if (c === "}") {
      const open = nesting.pop()
      if (open === undefined) return null
      if (open === "${") {
        next = templateText(i + 1)
        if (next < 0) return null
        regexAllowed = false
      } else {
        next = i + 1
        regexAllowed = true // end of a block; a `}` ending an object literal before a division is rare
      }
    } else {
      next = matchAt(PLAIN, s, i)
      regexAllowed = regexMayFollow(s, i, next, regexAllowed)
    }
    i = next
  }
  return nesting.length === 0 ? out : null
}
