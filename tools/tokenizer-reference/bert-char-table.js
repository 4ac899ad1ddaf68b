#!/usr/bin/env node
// Writes src/Tokenization/Bert/BertCharTable.txt: how Hugging Face's BERT normalizer and pre-tokenizer treat each
// Unicode code point, asked of the reference library itself, one code point at a time.
//
// Why a table: HF's BertNormalizer and BertPreTokenizer classify characters with the Rust crates' own Unicode data
// (unicode_categories for control / punctuation / nonspacing marks, unicode-normalization-alignments for NFD,
// Rust std for lower-casing and whitespace), each frozen at its own Unicode version; .NET's tables are newer and,
// with invariant globalization, .NET has no NFD at all. Recording the reference's per-character behaviour once is
// the only way to match it everywhere. The .NET tokenizer reads this table; the tests still compare whole
// encodings against the reference.
//
// Line format (hex code points, only code points with a non-default behaviour are listed):
//   <cp>[-<last cp>] <flags> [U=<cp>.<cp>...] [L=...] [S=...]   (a range when consecutive code points share
//   their flags and have no mapping)
//   flags: C control (clean_text removes it), W whitespace (clean_text turns it into a space; split point),
//          P punctuation (isolated by the pre-tokenizer)
//   L= output of lowercase only, S= of strip-accents only ("S=" alone: removed), U= of strip-accents + lowercase
//   where that is not L applied to each character of S.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { bertNormalizer, bertPreTokenizer } = require('tokenizers');

const root = path.resolve(__dirname, '..', '..');
const outFile = path.join(root, 'src', 'Tokenization', 'Bert', 'BertCharTable.txt');

const codePoints = [];
for (let c = 0; c <= 0x10ffff; c++) {
  if (c >= 0xd800 && c <= 0xdfff) continue; // not scalar values: never reach the Rust side
  codePoints.push(c);
}

// Normalizes every code point in one call per chunk, separated by a character no mode touches or produces.
const Separator = '\u0001';
function mapAll(normalizer) {
  const result = new Map();
  const chunk = 4096;
  for (let i = 0; i < codePoints.length; i += chunk) {
    const part = codePoints.slice(i, i + chunk).filter((c) => c !== 1);
    const out = normalizer.normalizeString(Separator + part.map((c) => String.fromCodePoint(c)).join(Separator) + Separator).split(Separator);
    if (out.length !== part.length + 2) throw new Error(`separator lost near U+${part[0].toString(16)}`);
    part.forEach((c, k) => result.set(c, out[k + 1]));
  }
  return result;
}

const noClean = { cleanText: false, handleChineseChars: false };
const uncased = mapAll(bertNormalizer({ ...noClean, stripAccents: true, lowercase: true }));
const lower = mapAll(bertNormalizer({ ...noClean, stripAccents: false, lowercase: true }));
const strip = mapAll(bertNormalizer({ ...noClean, stripAccents: true, lowercase: false }));

// clean_text alone: removed (control), space (whitespace) or kept. 'Z' is a safe separator here.
const clean = new Map();
{
  const norm = bertNormalizer({ cleanText: true, handleChineseChars: false, stripAccents: false, lowercase: false });
  const chunk = 4096;
  for (let i = 0; i < codePoints.length; i += chunk) {
    const part = codePoints.slice(i, i + chunk).filter((c) => c !== 0x5a);
    const out = norm.normalizeString('Z' + part.map((c) => String.fromCodePoint(c)).join('Z') + 'Z').split('Z');
    if (out.length !== part.length + 2) throw new Error(`separator lost near U+${part[0].toString(16)}`);
    part.forEach((c, k) => clean.set(c, out[k + 1]));
  }
}

// The pre-tokenizer: whitespace splits (and is dropped), punctuation is isolated.
const pre = bertPreTokenizer();
function splitKind(c) {
  const parts = pre.preTokenizeString('Z' + String.fromCodePoint(c) + 'Z').map((p) => p[0]);
  if (parts.length === 2 && parts[0] === 'Z' && parts[1] === 'Z') return 'W';
  if (parts.length === 3) return 'P';
  if (parts.length === 1) return '';
  throw new Error(`unexpected split of U+${c.toString(16)}: ${JSON.stringify(parts)}`);
}

const ranges = [];
const hex = (s) => [...s].map((ch) => ch.codePointAt(0).toString(16).toUpperCase()).join('.');
for (const c of codePoints) {
  const self = String.fromCodePoint(c);
  let flags = '';
  const cleaned = c === 0x5a ? self : clean.get(c);
  if (cleaned === '') flags += 'C';
  else if (cleaned === ' ' && c !== 0x20) flags += 'W';
  else if (cleaned !== self) throw new Error(`clean_text maps U+${c.toString(16)} to ${JSON.stringify(cleaned)}`);
  const kind = splitKind(c);
  if (kind === 'W' && !flags.includes('W') && c !== 0x20) flags += 'w'; // split point the normalizer keeps (clean_text off)
  if (kind === 'P') flags += 'P';
  const fields = [];
  if (c !== 1) {
    // Stripping then lower-casing (HF's order) composes S and L; write U only where that composition differs.
    const composed = [...strip.get(c)].map((ch) => lower.get(ch.codePointAt(0)) ?? ch).join('');
    if (uncased.get(c) !== composed) fields.push('U=' + hex(uncased.get(c)));
    if (lower.get(c) !== self) fields.push('L=' + hex(lower.get(c)));
    if (strip.get(c) !== self) fields.push('S=' + hex(strip.get(c)));
  }
  if (c === 0x20) flags += 'W';
  if (flags.length === 0 && fields.length === 0) continue;
  const last = ranges[ranges.length - 1];
  if (fields.length === 0 && last && last.fields.length === 0 && last.flags === flags && last.to === c - 1) last.to = c;
  else ranges.push({ from: c, to: c, flags, fields });
}
const h = (c) => c.toString(16).toUpperCase();
const lines = ranges.map((r) => [r.from === r.to ? h(r.from) : `${h(r.from)}-${h(r.to)}`, r.flags || '-', ...r.fields].join(' '));

fs.mkdirSync(path.dirname(outFile), { recursive: true });
const { version } = require('tokenizers/package.json');
fs.writeFileSync(outFile, `# Generated by tools/tokenizer-reference/bert-char-table.js from npm tokenizers ${version}; do not edit.\n${lines.join('\n')}\n`);
process.stdout.write(`${lines.length} lines written to ${path.relative(root, outFile)}\n`);
