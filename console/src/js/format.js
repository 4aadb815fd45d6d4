// Formatting numbers, sizes, rates, times and record bytes for display. Pure functions: the
// unit tests (console/test) run them under Node.

export function formatNumber(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || Math.abs(value) >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

// 0, 12, 1.2k, 34k, 1.5M, ... for axis labels and rates.
export function formatCompact(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const abs = Math.abs(n);
  const scaled = (div, suffix) => {
    const v = n / div;
    return `${Math.abs(v) >= 10 ? Math.round(v) : Number(v.toFixed(1))}${suffix}`;
  };
  if (abs >= 1e9) return scaled(1e9, 'G');
  if (abs >= 1e6) return scaled(1e6, 'M');
  if (abs >= 1e3) return scaled(1e3, 'k');
  if (abs >= 10 || abs === 0) return String(Math.round(n));
  return String(Number(n.toFixed(2)));
}

export function formatRate(perSecond) {
  return `${formatCompact(perSecond)}/s`;
}

export function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${Number(seconds.toFixed(1))} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${Math.round(seconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

// "2026-11-27 16:00:00.123Z" in UTC.
export function formatTimestamp(ms) {
  if (ms === null || ms === undefined) return '–';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}Z`;
}

// What a datetime-local input holds, as milliseconds since the epoch (UTC); NaN if unparsable.
export function parseTimestamp(text) {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const normalized = t.replace(' ', 'T');
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(normalized) ? normalized : `${normalized}Z`);
}

export function base64ToBytes(b64) {
  if (b64 === null || b64 === undefined) return null;
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// The bytes as UTF-8 text, or null when they are not valid UTF-8 or hold control characters
// other than tab and newlines.
export function bytesToText(bytes) {
  let text;
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(bytes);
  } catch {
    return null;
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? null : text;
}

// Rows of 16 bytes: offset, hex, printable ASCII.
export function hexDump(bytes, maxBytes = 4096) {
  const lines = [];
  const shown = Math.min(bytes.length, maxBytes);
  for (let row = 0; row < shown; row += 16) {
    const chunk = bytes.subarray(row, Math.min(row + 16, shown));
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${row.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  if (bytes.length > shown) lines.push(`… ${bytes.length - shown} more bytes`);
  return lines.join('\n');
}

// A record's key or value for display. `mode` is 'auto', 'text', 'json' or 'hex'; 'auto' picks
// JSON for a JSON object or array, text for readable UTF-8, hex otherwise. A mode the bytes do
// not fit falls back to hex. Returns {mode, text}: the mode used and what to show.
export function renderBytes(bytes, mode = 'auto') {
  if (bytes === null) return {mode: 'null', text: 'null'};
  const text = bytesToText(bytes);
  const asJson = () => {
    if (text === null) return null;
    try {
      const parsed = JSON.parse(text);
      return JSON.stringify(parsed, null, 2);
    } catch {
      return null;
    }
  };
  if (mode === 'hex') return {mode: 'hex', text: hexDump(bytes)};
  if (mode === 'text') return text === null ? {mode: 'hex', text: hexDump(bytes)} : {mode: 'text', text};
  if (mode === 'json') {
    const json = asJson();
    return json === null ? {mode: 'hex', text: hexDump(bytes)} : {mode: 'json', text: json};
  }
  const trimmed = text?.trimStart() ?? '';
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = asJson();
    if (json !== null) return {mode: 'json', text: json};
  }
  if (text !== null) return {mode: 'text', text};
  return {mode: 'hex', text: hexDump(bytes)};
}
