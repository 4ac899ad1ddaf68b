#!/usr/bin/env node
// Writes tests/Tokenization.Tests/Corpus/corpus.jsonl: one {"category": ..., "text": ...} object a line, every
// non-ASCII or control character escaped (\uXXXX) so controls and lone surrogates survive git and editors.
// Deterministic (fixed seed): rerunning it rewrites the same file. See Corpus/README.md for the categories.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const outFile = path.join(root, 'tests', 'Tokenization.Tests', 'Corpus', 'corpus.jsonl');

let seed = 20240611;
function random() {
  // xorshift32: small, deterministic, good enough to pick corpus pieces.
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
}
const pick = (items) => items[Math.floor(random() * items.length)];
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const cp = (...codes) => String.fromCodePoint(...codes);

const uci = fs.readFileSync(path.join(root, 'data', 'sentiment', 'uci-sentiment-sentences.tsv'), 'utf8')
  .split('\n').slice(1).filter((l) => l.length > 0).map((l) => l.split('\t')[2]);
const words = [...new Set(uci.join(' ').split(/[^A-Za-z']+/).filter((w) => w.length > 1))];
const sentence = () => pick(uci);
const phrase = (n) => Array.from({ length: n }, () => pick(words)).join(' ');

const rows = [];
const add = (category, text) => rows.push({ category, text });

// Real English: the UCI sentences (every other one, so both sources and lengths stay mixed).
uci.filter((_, i) => i % 2 === 0).slice(0, 1200).forEach((s) => add('english', s));

const accented = ['café', 'naïve', 'résumé', 'Zürich', 'São Paulo', 'Ångström', 'Øresund', 'Łódź', 'straße', 'İstanbul', 'ıdı',
  'Ǆemal', 'ǅ', 'Ærøskøbing', 'crème brûlée', 'piñata', 'façade', 'Dvořák', 'Việt Nam', 'ĳssel', 'Ὀδυσσεύς', 'ΣΊΣΥΦΟΣ', 'ﬁnance', 'ﬂower',
  'Ｈｅｌｌｏ', 'x²', 'Ⅻ', 'ℌ', '㎏', 'ǰ', 'ẞ', 'Å', 'K', 'Ω', 'ῼ', 'ꞵ', 'Ꭰ', 'ᏸ'];
for (let i = 0; i < 90; i++) {
  const w = pick(accented);
  const form = pick(['NFC', 'NFD', 'NFKC', 'NFKD']);
  const text = `${phrase(int(0, 3))} ${w} ${pick(accented)} ${phrase(int(0, 2))}`.trim();
  add('accents', i % 4 === 0 ? text.toUpperCase() : text.normalize(form));
}

const marks = [0x0300, 0x0301, 0x0302, 0x0308, 0x0323, 0x0327, 0x0336, 0x20DD, 0x20E3, 0x05B4, 0x064B, 0x093F, 0x0E31, 0x302A, 0x1AB0, 0x1DC0, 0xFE20, 0x1D167];
const zeroWidth = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x034F, 0xFE0F, 0xFE0E, 0x180E, 0x061C, 0x200E, 0x200F, 0x202E, 0xE0001, 0xE0041];
for (let i = 0; i < 80; i++) {
  const w = pick(words);
  const at = int(0, w.length);
  const inserted = i % 2 === 0 ? cp(...Array.from({ length: int(1, 3) }, () => pick(marks))) : cp(pick(zeroWidth));
  add('combining', `${phrase(int(0, 2))} ${w.slice(0, at)}${inserted}${w.slice(at)} ${phrase(int(0, 2))}`.trim());
}

const controls = ['\r', '\v', '\f', '\u0085', '\u2028', '\u2029', '\0', '\u0001', '\u0007', '\u001b', '\u007f', '\u0080', '\u009f', '\t', '\r\n',
  '\u001c', '\u001f', '\ue000', '\uf8ff', cp(0xF0000), cp(0x10FFFD), '\ufffe', '\uffff', '\ufffd', '\u0378', '\u2065', cp(0xE0000), cp(0x10FFFF)];
for (let i = 0; i < 80; i++) {
  const c = pick(controls);
  add('controls', pick([`${phrase(2)}${c}${phrase(2)}`, `${c}${phrase(3)}`, `${phrase(3)}${c}`, `${phrase(1)} ${c} ${phrase(1)}`, `${c}${c}${pick(words)}${c}`]));
}

const highs = ['\ud800', '\udbff', '\ud83d', '\ud840'];
const lows = ['\udc00', '\udfff', '\ude42', '\udc01'];
for (let i = 0; i < 60; i++) {
  const s = pick([...highs, ...lows]);
  const w = pick(words);
  add('surrogates', pick([
    `${w}${s}${pick(words)}`, `${s}${phrase(2)}`, `${phrase(2)}${s}`, `${phrase(1)} ${s} ${phrase(1)}`, `${pick(lows)}${pick(highs)}${w}`,
    `${w}${s}.${s},`, `${pick(highs)}${pick(highs)}🙂${pick(lows)}`, `(${s})`, `${w}\ud83d\ude00${s}`, `${s}`,
  ]));
}

const cjk = ['漢字', '中文分词测试', '日本語のテキスト', 'ひらがなとカタカナ', '한국어 문장입니다', '東京タワー', '北京欢迎你',
  cp(0x3400, 0x3401), cp(0x4DBF), cp(0x20000, 0x20001), cp(0x2A6DF), cp(0x2A700), cp(0x2B73F), cp(0x2B740), cp(0x2B81F), cp(0x2B820), cp(0x2B91F),
  cp(0x2B920), cp(0x2CEAF), cp(0x2CEB0), cp(0x30000), cp(0x31350), '\uf900\ufaff', cp(0x2F800, 0x2FA1D), '〇', '。、「」', '（全角）', '\u3000'];
for (let i = 0; i < 80; i++) {
  add('cjk', pick([`${pick(cjk)}${pick(cjk)}`, `${phrase(2)} ${pick(cjk)} ${phrase(1)}`, `${pick(cjk)}abc${pick(cjk)}123`, `${pick(cjk)}, ${pick(cjk)}!`]));
}

const emoji = ['🙂', '😀', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇫🇷', '🇯🇵', '1️⃣', '#️⃣', '❤️', '☺', '🥲', '🫠', '🧑🏿‍💻', '🐈‍⬛', '✨', '🤷‍♀️', '💯', '🔥🔥🔥', '🪿'];
for (let i = 0; i < 80; i++) {
  add('emoji', pick([`${phrase(3)} ${pick(emoji)}`, `${pick(emoji)}${pick(emoji)}${pick(emoji)}`, `${pick(emoji)} ${phrase(2)}!${pick(emoji)}`, `${pick(words)}${pick(emoji)}${pick(words)}`]));
}

const symbols = ['$', '+', '<', '=', '>', '^', '|', '~', '€', '©', '®', '™', '°', '±', '×', '÷', '§', '¶', '•', '…', '‰', '′', '″', '←', '→',
  '∑', '√', '∞', '≈', '≠', '≤', '≥', '♥', '★', '✓', '¥', '£', '₹', '₿', '¢', '`', '\\', '@', '#', '%', '&', '*', '_', cp(0x1D400, 0x1D401), cp(0x1D7D8), '¦', '¬', '¯', '´', '¸'];
for (let i = 0; i < 90; i++) {
  add('symbols', pick([
    `${pick(symbols)}${int(0, 999)}`, `${phrase(2)} ${pick(symbols)} ${phrase(2)}`, `a${pick(symbols)}b${pick(symbols)}c`,
    `${pick(symbols)}${pick(symbols)}${pick(symbols)}${pick(symbols)}`, `x ${pick(symbols)}= y ${pick(symbols)} z`,
  ]));
}

for (let i = 0; i < 50; i++) {
  const n = pick([99, 100, 101, 120, 150, 200, 300, 1000]);
  const unit = pick(['a', 'ab', 'xyz', 'é', 'na', 'supercalifragilistic', '9', 'ø', '漢', '🙂', 'hello', 'Ab']);
  let w = unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  if (/[\ud800-\udbff]$/.test(w)) w = w.slice(0, -1);
  add('long-words', pick([w, `${phrase(2)} ${w} ${phrase(1)}`, `${w}.${w}`, `${w} ${w.toUpperCase()}`]));
}

const hosts = ['example.com', 'www.wikipedia.org', 'github.com/huggingface/tokenizers', 'localhost:8080', 'ßtraße.de', '例子.测试', 'xn--bcher-kva.example'];
for (let i = 0; i < 60; i++) {
  add('urls', pick([
    `https://${pick(hosts)}/${pick(words)}?q=${pick(words)}&n=${int(1, 99)}#top`, `see http://${pick(hosts)}/path/to/file.html for details`,
    `mailto:${pick(words).toLowerCase()}@${pick(hosts)}`, `ftp://user:pass@${pick(hosts)}/a%20b`, `${pick(words)}@example.org, ${pick(words)}.${pick(words)}@mail.co.uk`,
    `file:///home/user/${pick(words)}.txt C:\\Users\\${pick(words)}\\Desktop`,
  ]));
}

const code = ['int x = a[i] + b->c;', 'def f(x): return x**2 // 3', 'if (a != b && c <= d) { return; }', '{"key": [1, 2.5, null, true]}',
  '<div class="a">Hello &amp; bye</div>', 'SELECT * FROM t WHERE id=42;', 'x => x * 2', '$ ls -la | grep ".cs" > out.txt', '#include <stdio.h>',
  'var re = /^[a-z]+\\d*$/gi;', 'a::b::<T>()', 'println!("{:?}", v);', 'let s = `tpl ${x}`;', '// comment\n\tindented();', 'x += 1; y -= 2; z ^= 3;',
  'public sealed class Foo<T> : IBar where T : new()', '@decorator\nclass A:', '0x1F, 0b1010, 1e-9, 3.14f', 'arr[::2], dict.get("k", {})', '#!/bin/bash'];
for (let i = 0; i < 70; i++) add('code', i < code.length ? code[i] : `${pick(code)} ${pick(code)}`);

const spaces = [' ', '  ', '   ', '\t', '\n', '\n\n', '\u00a0', '\u3000', '\u2002', '\u2003', '\u2009', '\u202f', '\u205f', '\u1680', ' \t \n '];
add('whitespace', '');
add('whitespace', ' ');
add('whitespace', '\t\n');
for (let i = 0; i < 60; i++) {
  add('whitespace', pick([
    `${pick(spaces)}${phrase(2)}${pick(spaces)}`, `${pick(words)}${pick(spaces)}${pick(spaces)}${pick(words)}`, `${pick(spaces).repeat(int(1, 20))}`,
    `${phrase(1)}${' '.repeat(int(2, 12))}${phrase(1)}${' '.repeat(int(1, 5))}`, `${pick(spaces)}${pick(words)}${pick(spaces)}.`,
  ]));
}

for (let i = 0; i < 60; i++) {
  add('numbers', pick([
    `${int(0, 9999999)}`, `${int(0, 999)}.${int(0, 99999)}`, `${int(1, 999)},${String(int(0, 999)).padStart(3, '0')},${String(int(0, 999)).padStart(3, '0')}`,
    `+1 (${int(200, 999)}) ${int(200, 999)}-${int(1000, 9999)}`, `${int(1, 28)}/${int(1, 12)}/${int(1900, 2099)}`, `${int(1, 9)}.${int(0, 99)}e-${int(1, 30)}`,
    '٣٤٥', '１２３', '½ ¼ ¾', '⅔', '①②', `v${int(0, 9)}.${int(0, 20)}.${int(0, 99)}`, `${int(10, 99)}%`, `$${int(1, 999)}.${int(10, 99)}`, `${int(1, 12)}:${int(10, 59)}pm`,
  ]));
}

const punct = ['...', '!!!', '?!', '“quoted”', '‘single’', '«guillemets»', '–', '—', '‐', "it's", "don't", "we're", "I've", "I'm", "you'll", "he'd",
  "IT'S", "DON'T", "'s", '¿qué?', '¡hola!', '、', '。', '(parens)', '[brackets]', '{braces}', '"', "'", '.-.', '--', '**', '::', ';;', '・', '‹›', '⁂', '※'];
for (let i = 0; i < 70; i++) {
  add('punctuation', pick([`${phrase(2)}${pick(punct)} ${phrase(2)}`, `${pick(punct)}${pick(punct)}${pick(punct)}`, `${pick(words)}${pick(punct)}${pick(words)}`]));
}

const scripts = ['Привет, как дела?', 'Καλημέρα κόσμε ΟΔΥΣΣΕΥΣ', 'مرحبا بالعالم', 'שלום עולם', 'नमस्ते दुनिया', 'สวัสดีชาวโลก', 'Xin chào thế giới',
  'İyi günler, ıspanak', 'Γειά σου ς σ Σ', 'ქართული', 'Հայերեն', 'ᚠᚢᚦᚨᚱᚲ', 'ⴰⵣⵓⵍ', 'ܫܠܡܐ', 'ދިވެހި', 'ᐊᐃᓐᓇ'];
for (let i = 0; i < 60; i++) add('scripts', pick([pick(scripts), `${pick(scripts)} ${phrase(2)}`, `${pick(scripts)}${pick(scripts)}`]));

const specials = ['[CLS]', '[SEP]', '[MASK]', '[UNK]', '[PAD]', '<s>', '</s>', '<mask>', '<pad>', '<unk>', '<|endoftext|>', '[cls]', '< s >'];
for (let i = 0; i < 50; i++) {
  add('special-tokens', pick([`${phrase(2)} ${pick(specials)} ${phrase(2)}`, `${pick(specials)}${pick(words)}${pick(specials)}`, `${pick(words)}  ${pick(specials)}  ${pick(words)}`, pick(specials)]));
}

// Mixed: random draws from every pool, to reach combinations no hand-written line has.
const pools = [words, accented, cjk, emoji, symbols, punct, spaces, controls, scripts, [...highs, ...lows], specials, marks.map((m) => cp(m)), zeroWidth.map((z) => cp(z))];
for (let i = 0; i < 220; i++) {
  const n = int(1, 12);
  let text = '';
  for (let k = 0; k < n; k++) text += pick(pick(pools)) + (random() < 0.5 ? ' ' : '');
  add('mixed', text);
}

// One JSON object a line with every non-ASCII, control or quote character escaped as \uXXXX (UTF-16 units,
// so lone surrogates are written as they are).
function escape(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c >= 0x7f) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += text[i];
  }
  return out;
}

fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, rows.map((r) => `{"category":"${r.category}","text":"${escape(r.text)}"}`).join('\n') + '\n');
const counts = {};
rows.forEach((r) => { counts[r.category] = (counts[r.category] || 0) + 1; });
process.stdout.write(`${rows.length} lines: ${Object.entries(counts).map(([c, n]) => `${c} ${n}`).join(', ')}\n`);
