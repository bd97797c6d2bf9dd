// An incremental JSON syntax checker: tells, chunk by chunk, whether the text so far can still become valid JSON.

export type JsonPrefixState = 'partial' | 'complete' | 'invalid';

type Expect = 'value' | 'key-or-end' | 'key' | 'colon' | 'comma-or-end' | 'done';
type Token = 'none' | 'string' | 'string-escape' | 'number' | 'literal';

/**
 * Follows the JSON grammar one character at a time, keeping only a stack of open containers, so a
 * document of any size is checked in constant memory per nesting level. Used to find where a pasted
 * etcdctl JSON document ends, and that it was cut off when the next line cannot continue it.
 */
export class JsonPrefixChecker {
  private stack: ('{' | '[')[] = [];
  private expect: Expect = 'value';
  private token: Token = 'none';
  private tokenText = '';
  private unicodeLeft = 0;
  private invalid = false;
  /** Just after "[", where "]" may close an empty array. */
  private emptyArrayAllowed = false;

  /** A copy to roll back to when the next chunk turns out not to belong to the document. */
  cloneChecker(): JsonPrefixChecker {
    const c = new JsonPrefixChecker();
    c.stack = [...this.stack];
    c.expect = this.expect;
    c.token = this.token;
    c.tokenText = this.tokenText;
    c.unicodeLeft = this.unicodeLeft;
    c.invalid = this.invalid;
    c.emptyArrayAllowed = this.emptyArrayAllowed;
    return c;
  }

  /** Feeds more text; the state after it. */
  feedText(text: string): JsonPrefixState {
    for (let i = 0; i < text.length && !this.invalid; i++) this.feedChar(text.charAt(i));
    return this.readState();
  }

  readState(): JsonPrefixState {
    if (this.invalid) return 'invalid';
    return this.expect === 'done' && this.token === 'none' ? 'complete' : 'partial';
  }

  /** How deep the document is nested now (0 before the first bracket and after the last). */
  readDepth(): number {
    return this.stack.length;
  }

  private feedChar(c: string): void {
    switch (this.token) {
      case 'string':
        this.feedStringChar(c);
        return;
      case 'string-escape':
        this.feedEscapeChar(c);
        return;
      case 'number':
        if (/[0-9.eE+-]/.test(c)) {
          this.tokenText += c;
          return;
        }
        if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(this.tokenText)) return this.failCheck();
        this.endValue();
        break;
      case 'literal':
        if (/[a-z]/.test(c)) {
          this.tokenText += c;
          if (!['true', 'false', 'null'].some((w) => w.startsWith(this.tokenText))) this.failCheck();
          return;
        }
        if (!['true', 'false', 'null'].includes(this.tokenText)) return this.failCheck();
        this.endValue();
        break;
      case 'none':
        break;
    }
    this.feedStructuralChar(c);
  }

  private feedStringChar(c: string): void {
    if (this.unicodeLeft > 0) {
      if (!/[0-9a-fA-F]/.test(c)) return this.failCheck();
      this.unicodeLeft--;
      return;
    }
    if (c === '\\') this.token = 'string-escape';
    else if (c === '"') {
      this.token = 'none';
      if (this.expect === 'key' || this.expect === 'key-or-end') this.expect = 'colon';
      else this.endValue();
    } else if (c < ' ') this.failCheck();
  }

  private feedEscapeChar(c: string): void {
    this.token = 'string';
    if (c === 'u') this.unicodeLeft = 4;
    else if (!'"\\/bfnrt'.includes(c)) this.failCheck();
  }

  private feedStructuralChar(c: string): void {
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') return;
    switch (this.expect) {
      case 'done':
        return this.failCheck();
      case 'colon':
        if (c !== ':') return this.failCheck();
        this.expect = 'value';
        return;
      case 'key':
      case 'key-or-end':
        if (c === '"') this.token = 'string';
        else if (c === '}' && this.expect === 'key-or-end') this.closeContainer('{');
        else this.failCheck();
        return;
      case 'comma-or-end': {
        const top = this.stack[this.stack.length - 1];
        if (c === ',') this.expect = top === '{' ? 'key' : 'value';
        else if (c === '}' || c === ']') this.closeContainer(c === '}' ? '{' : '[');
        else this.failCheck();
        return;
      }
      case 'value':
        this.startValue(c);
        return;
    }
  }

  private startValue(c: string): void {
    if (c === '{') {
      this.stack.push('{');
      this.expect = 'key-or-end';
    } else if (c === '[') {
      this.stack.push('[');
      this.expect = 'value';
      // "[]": an array may close before its first value.
      this.emptyArrayAllowed = true;
      return;
    } else if (c === ']' && this.emptyArrayAllowed) {
      this.closeContainer('[');
    } else if (c === '"') {
      this.token = 'string';
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      this.token = 'number';
      this.tokenText = c;
    } else if (c === 't' || c === 'f' || c === 'n') {
      this.token = 'literal';
      this.tokenText = c;
    } else {
      this.failCheck();
    }
    this.emptyArrayAllowed = false;
  }

  private closeContainer(open: '{' | '['): void {
    if (this.stack.pop() !== open) return this.failCheck();
    this.emptyArrayAllowed = false;
    this.endValue();
  }

  private endValue(): void {
    this.token = 'none';
    this.tokenText = '';
    this.expect = this.stack.length === 0 ? 'done' : 'comma-or-end';
  }

  private failCheck(): void {
    this.invalid = true;
  }
}
