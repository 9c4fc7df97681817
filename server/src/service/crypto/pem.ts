// Splits text into PEM blocks with their offsets, checking the framing and base64 before any parser sees
// them, so an error can say which block is wrong and why (not just "failed to parse").

export interface PemBlock {
  /** The label between `BEGIN ` and `-----`, e.g. `PUBLIC KEY`; empty for text that is not in a block. */
  label: string;
  /** Offsets of the block (from `-----BEGIN` to the end of the `-----END …-----` line) in the input. */
  start: number;
  end: number;
  text: string;
  /** Why the block cannot be decoded, before looking at its contents; undefined when the framing is sound. */
  framingError?: string;
  /** The decoded body when the framing and base64 are sound. */
  der?: Buffer;
}

const MARKER = /-----(BEGIN|END) ([A-Z0-9][A-Z0-9 ]*)-----/g;

/**
 * Every PEM block in `text` in order, plus one entry per stretch of non-blank text outside any block
 * (label '', with a framing error), because stray text is usually a pasting mistake worth showing.
 */
export function splitPemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  let open: { label: string; start: number; bodyStart: number } | undefined;
  let cursor = 0; // end of the last block, to find stray text between blocks
  const stray = (from: number, to: number) => {
    const slice = text.slice(from, to);
    const lead = slice.length - slice.trimStart().length;
    const trimmed = slice.trim();
    if (!trimmed) return;
    out.push({
      label: '',
      start: from + lead,
      end: from + lead + trimmed.length,
      text: trimmed,
      framingError: 'text outside any -----BEGIN … / -----END … block',
    });
  };
  const unterminated = (upTo: number) => {
    if (!open) return;
    const body = text.slice(open.start, upTo).trimEnd();
    out.push({
      label: open.label,
      start: open.start,
      end: open.start + body.length,
      text: body,
      framingError: `the block has no -----END ${open.label}----- line`,
    });
    cursor = open.start + body.length;
    open = undefined;
  };
  for (const m of text.matchAll(MARKER)) {
    const at = m.index!;
    const [marker, kind, label] = m;
    if (kind === 'BEGIN') {
      if (open) unterminated(at);
      stray(cursor, at);
      open = { label, start: at, bodyStart: at + marker.length };
      continue;
    }
    if (!open) {
      stray(cursor, at);
      out.push({ label, start: at, end: at + marker.length, text: marker, framingError: `-----END ${label}----- without a matching BEGIN line` });
      cursor = at + marker.length;
      continue;
    }
    const end = at + marker.length;
    const block: PemBlock = { label: open.label, start: open.start, end, text: text.slice(open.start, end) };
    if (label !== open.label) {
      block.framingError = `the block starts with BEGIN ${open.label} but ends with END ${label}`;
    } else {
      const decoded = onOneLine(text, open.bodyStart, at) ?? decodeBody(text.slice(open.bodyStart, at));
      if (typeof decoded === 'string') block.framingError = decoded;
      else block.der = decoded;
    }
    out.push(block);
    cursor = end;
    open = undefined;
  }
  unterminated(text.length);
  stray(cursor, text.length);
  return out;
}

/**
 * PEM needs the BEGIN and END markers on lines of their own. A plain YAML scalar folds the key's lines into
 * one, which is the usual way this goes wrong, so name the fix.
 */
function onOneLine(text: string, bodyStart: number, endMarker: number): string | undefined {
  const afterBegin = text.slice(bodyStart, endMarker).split('\n')[0];
  const beforeEnd = text.slice(text.lastIndexOf('\n', endMarker - 1) + 1, endMarker);
  if (afterBegin.trim() === '' && beforeEnd.trim() === '') return undefined;
  return 'the PEM lines are joined into one line (PEM needs BEGIN, body and END on separate lines); in YAML write the value as a `|` block scalar';
}

/** The DER bytes of a PEM body, or a message naming the first problem (with its line in the block). */
function decodeBody(body: string): Buffer | string {
  if (/^[\w-]+:/m.test(body)) return 'the block has RFC 1421 headers (Proc-Type/DEK-Info): it is an encrypted legacy key, not a public key or certificate';
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const bad = /[^A-Za-z0-9+/=\s]/.exec(lines[i]);
    if (bad) return `invalid base64 character '${bad[0]}' on line ${i + 1} of the block`;
  }
  const compact = body.replace(/\s+/g, '');
  if (compact === '') return 'the block is empty';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return "invalid base64: '=' padding may only appear at the end";
  if (compact.length % 4 !== 0) return `invalid base64: ${compact.length} characters is not a multiple of 4 (a line was cut short or lost)`;
  return Buffer.from(compact, 'base64');
}
