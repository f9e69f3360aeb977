const encoder = new TextEncoder();
const words =
  'the tree commit blob ref branch merge author message path file mode hash object store pack index delta head tag log diff'.split(' ');

/**
 * About `size` bytes of source-like text, unique to (`label`, `index`): what a commit's files hold,
 * so that gzip and the codecs see realistic, compressible content.
 */
export function textContent(label: string, index: number, size: number): Uint8Array {
  let seed = (index * 2_654_435_761) >>> 0;
  let text = `// ${label} ${index}\n`;
  while (text.length < size) {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    text += `${words[seed % words.length]}${seed % 7 === 0 ? '\n' : ' '}`;
  }
  return encoder.encode(text.slice(0, size));
}
