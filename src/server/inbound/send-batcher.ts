/**
 * Gathers items handed over at about the same time into one call: the first item waits up to
 * `maxWaitMs` for company, and a batch goes at once when it reaches `maxItems`. Each caller's
 * promise settles with its batch, so a failed send is reported to every item in it.
 */
export class SendBatcher<T> {
  private pending: { item: T; settle: (error?: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (items: T[]) => Promise<void>,
    private readonly options: { maxItems: number; maxWaitMs: number },
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.pending.length >= this.options.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (!batch.length) return;
    Promise.resolve()
      .then(() => this.send(batch.map((entry) => entry.item)))
      .then(
        () => batch.forEach((entry) => entry.settle()),
        (error: unknown) => batch.forEach((entry) => entry.settle(error ?? new Error("send failed"))),
      );
  }
}
