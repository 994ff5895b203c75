/**
 * The files OpenAPI/AsyncAPI documents' external `$ref`s name: which documents use each (a change
 * to one parses them again) and the texts read for them (the workers' linkers parse the documents
 * with these, as the host did). A file a ref names that was missing is kept too: creating it fixes
 * the document. No vscode.
 */
export class RefFiles {
  private readonly texts = new Map<string, string>();
  private readonly usedBy = new Map<string, Set<string>>();

  /**
   * A document was parsed: `asked` is every file its refs named, with the text read (undefined:
   * not there, not readable), `used` the files it bundled (those the workers need).
   */
  note(doc: string, asked: ReadonlyMap<string, string | undefined>, used: readonly string[]): void {
    for (const [file, text] of asked) {
      // (not there now, for every document that shares it: its old text must not reach the workers)
      if (text === undefined) this.texts.delete(file);
      else if (used.includes(file)) this.texts.set(file, text);
      let users = this.usedBy.get(file);
      if (!users) this.usedBy.set(file, (users = new Set()));
      users.add(doc);
    }
  }

  /** A document is gone or about to be parsed again: forget what only it used. */
  drop(doc: string): void {
    for (const [file, users] of this.usedBy) {
      if (!users.delete(doc) || users.size) continue;
      this.usedBy.delete(file);
      this.texts.delete(file);
    }
  }

  /** Is this file named by a document's ref? */
  has(file: string): boolean {
    return this.usedBy.has(file);
  }

  /** The documents to parse again when this file changed. */
  dependents(file: string): string[] {
    return [...(this.usedBy.get(file) ?? [])];
  }

  /** The texts read, for LinkConfig.refs. */
  list(): Array<{ path: string; text: string }> {
    return [...this.texts].map(([path, text]) => ({ path, text }));
  }
}
