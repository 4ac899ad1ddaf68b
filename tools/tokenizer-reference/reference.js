#!/usr/bin/env node
// Reference encodings from Hugging Face tokenizers (the Rust library through its Node binding), for the .NET tests.
//
//   node reference.js save <tokenizer> <out.json>
//       writes the tokenizer.json the reference runs (bert-base-uncased, bert-base-cased, roberta-base, gpt2)
//   node reference.js encode <tokenizer | tokenizer.json> <in.jsonl> [options.json]
//       in.jsonl: one JSON object a line: {"text": "...", "pair": "..." (optional)}
//       options:  {"addSpecialTokens": true,
//                  "truncation": {"maxLength": N, "strategy": "LongestFirst|OnlyFirst|OnlySecond", "direction": "Right|Left"},
//                  "padding": {"maxLength": N (omit: longest), "direction": "Right|Left", "padId": N, "padToken": "..."}}
//       writes one JSON object a line ({"error": message} where the reference refuses the row): ids, typeIds, mask, specialMask, tokens, offsets (UTF-16, each sequence's
//       offsets into its own text, special tokens [0,0]), sequenceIds, decoded (skipping special tokens) and decodedAll.
//
// The four tokenizer.json files follow the Hugging Face Hub files of the same names; the vocabularies are the ones
// committed under data/vocab (see that folder's README), because no network beyond package registries is reachable.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { Tokenizer } = require('tokenizers');

const root = path.resolve(__dirname, '..', '..');
const vocabDir = path.join(root, 'data', 'vocab');

function readLines(file) {
  return fs.readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/\r$/, ''));
}

function bertVocab() {
  const vocab = {};
  readLines(path.join(vocabDir, 'bert-base-uncased', 'vocab.txt')).forEach((token, id) => {
    if (token.length > 0 && !(token in vocab)) vocab[token] = id;
  });
  return vocab;
}

function bertSpecial(vocab) {
  return ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((content) => ({
    id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
}

// bert-base-uncased's tokenizer.json; "cased" is the same pipeline with lowercasing and accent stripping off
// (the project has no cased vocabulary, so the cased tokenizer runs over the uncased vocab.txt).
function bert(lowercase) {
  const vocab = bertVocab();
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: bertSpecial(vocab),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: lowercase ? null : false, lowercase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

function gpt2Encoder() {
  return JSON.parse(fs.readFileSync(path.join(vocabDir, 'roberta-base', 'encoder.json'), 'utf8'));
}

function merges() {
  return readLines(path.join(vocabDir, 'roberta-base', 'vocab.bpe')).filter((l, i) => l.length > 0 && !(i === 0 && l.startsWith('#version')));
}

// roberta-base's vocab.json: <s>=0 <pad>=1 </s>=2 <unk>=3, a BPE token's id = 4 + the line of its GPT-2 id in
// fairseq's dict.txt, <mask> after the last line. Merges written as "a b" strings (the older tokenizer.json form).
function roberta() {
  const encoder = gpt2Encoder();
  const tokenOfGpt2Id = {};
  for (const [token, id] of Object.entries(encoder)) tokenOfGpt2Id[id] = token;
  const vocab = { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3 };
  const dict = readLines(path.join(vocabDir, 'roberta-base', 'dict.txt')).filter((l) => l.length > 0);
  dict.forEach((line, rank) => {
    const symbol = line.split(' ')[0];
    const token = /^[0-9]+$/.test(symbol) ? tokenOfGpt2Id[Number(symbol)] : symbol;
    if (token !== undefined && !(token in vocab)) vocab[token] = 4 + rank;
  });
  vocab['<mask>'] = 4 + dict.length;
  const special = (id, content, lstrip) => ({ id, content, single_word: false, lstrip, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<s>', false), special(1, '<pad>', false), special(2, '</s>', false), special(3, '<unk>', false), special(vocab['<mask>'], '<mask>', true)],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges: merges() },
  };
}

// gpt2's tokenizer.json: OpenAI's encoder.json (the same file fairseq ships for RoBERTa) and vocab.bpe merges,
// written as ["a", "b"] pairs (the newer tokenizer.json form). No special tokens are added around a text.
function gpt2() {
  const vocab = gpt2Encoder();
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: vocab['<|endoftext|>'], content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges: merges().map((m) => m.split(' ')) },
  };
}

const builders = { 'bert-base-uncased': () => bert(true), 'bert-base-cased': () => bert(false), 'roberta-base': roberta, gpt2 };

function tokenizerJson(name) {
  if (builders[name]) return JSON.stringify(builders[name]());
  if (fs.existsSync(name)) return fs.readFileSync(name, 'utf8');
  throw new Error(`unknown tokenizer '${name}': use ${Object.keys(builders).join(', ')} or a tokenizer.json path`);
}

// The binding reports offsets in Unicode code points; the .NET API uses UTF-16 indices. A lone surrogate is one
// code point on both sides (the binding turns it into U+FFFD), so counting JS code points gives the mapping.
function utf16IndexOfCodePoint(text) {
  const map = [0];
  let at = 0;
  for (const ch of text) {
    at += ch.length;
    map.push(at);
  }
  return map;
}

async function encode(name, inputFile, optionsFile) {
  const tokenizer = Tokenizer.fromString(tokenizerJson(name));
  const options = optionsFile ? JSON.parse(fs.readFileSync(optionsFile, 'utf8')) : {};
  const addSpecialTokens = options.addSpecialTokens !== false;
  if (options.truncation) {
    const { maxLength, direction, ...rest } = options.truncation;
    tokenizer.setTruncation(maxLength, { ...rest, direction: (direction || 'Right').toLowerCase() });
  }
  const rows = fs.readFileSync(inputFile, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
    // A row the reference refuses (e.g. only_second truncation that cannot fit) is written as {"error": message}.
  const encodings = await Promise.all(rows.map((r) => tokenizer.encode(r.text, r.pair ?? null, { addSpecialTokens }).catch((e) => ({ error: String(e.message || e) }))));
  if (options.padding) {
    // HF's own Encoding.pad (what batch padding calls), to the longest row or to maxLength.
    const { maxLength, direction, padId, padToken } = options.padding;
    const target = maxLength ?? Math.max(...encodings.map((e) => (e.error === undefined ? e.getLength() : 0)));
    for (const e of encodings) {
      if (e.error === undefined) e.pad(Math.max(target, e.getLength()), { direction: (direction || 'Right').toLowerCase(), padId, padTypeId: 0, padToken });
    }
  }
  const out = [];
  for (let i = 0; i < rows.length; i++) {
    const e = encodings[i];
    if (e.error !== undefined) {
      out.push(JSON.stringify({ error: e.error }));
      continue;
    }
    const maps = [utf16IndexOfCodePoint(rows[i].text), utf16IndexOfCodePoint(rows[i].pair ?? '')];
    const sequenceIds = e.getSequenceIds();
    const offsets = e.getOffsets().map(([s, t], k) => {
      const map = maps[sequenceIds[k] ?? 0];
      return [map[s], map[t]];
    });
    const ids = e.getIds();
    const mask = e.getAttentionMask();
    const content = ids.filter((_, k) => mask[k] === 1);
    out.push(JSON.stringify({
      ids,
      typeIds: e.getTypeIds(),
      mask,
      specialMask: e.getSpecialTokensMask(),
      tokens: e.getTokens(),
      offsets,
      sequenceIds,
      decoded: await tokenizer.decode(content, true),
      decodedAll: await tokenizer.decode(content, false),
    }));
  }
  process.stdout.write(out.join('\n') + '\n');
}

async function main() {
  const [command, name, a, b] = process.argv.slice(2);
  if (command === 'save' && name && a) {
    fs.writeFileSync(a, tokenizerJson(name));
  } else if (command === 'encode' && name && a) {
    await encode(name, a, b);
  } else {
    process.stderr.write('usage: node reference.js save <tokenizer> <out.json> | encode <tokenizer|tokenizer.json> <in.jsonl> [options.json]\n');
    process.exit(2);
  }
}

main().catch((e) => {
  process.stderr.write(`reference.js: ${e.stack || e}\n`);
  process.exit(1);
});
