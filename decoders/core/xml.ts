/**
 * Helpers for the XML-carried protocols (XML-RPC, SOAP): bound the nesting of a document before
 * handing it to the parser (fast-xml-parser builds the whole tree; a hostile body could nest
 * deeply enough to hurt).
 */

/** Deepest element nesting of an XML text (tags only, approximate), stopping once past `stopAt`. */
export function xmlDepth(text: string, stopAt: number): number {
  let depth = 0;
  let max = 0;
  const re = /<(\/?)([^\s>/!?]*)[^>]*?(\/?)>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (!m[2]) continue;
    if (m[1]) depth--;
    else if (!m[3] && ++depth > max) {
      max = depth;
      if (max > stopAt) return max;
    }
  }
  return max;
}

/**
 * Was this body cut by a capture gap (snaplen, loss, preview limit) before its root element's end
 * tag (`rootEnd`, anchored at the end of the text)? fast-xml-parser is lenient about unclosed tags
 * and would make up values from such a text, so it must not be read as it is.
 */
export function cutBeforeRootEnd(body: { text?: string; truncated?: boolean } | undefined, rootEnd: RegExp): boolean {
  return !!body?.truncated && !rootEnd.test(body.text ?? '');
}
