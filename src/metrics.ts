// Minimal Prometheus text-format registry: counters, gauges and histograms with labels.
type Labels = Record<string, string | number>;

function labelKey(labels: Labels | undefined): string {
  if (!labels) return '';
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

interface Family {
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  values: Map<string, number>;
  buckets?: number[];
  hist?: Map<string, { counts: number[]; sum: number; count: number; labels: Labels | undefined }>;
}

export class Metrics {
  private readonly families = new Map<string, Family>();
  private readonly collectors: Array<() => Promise<void> | void> = [];

  private family(name: string, type: Family['type'], help: string, buckets?: number[]): Family {
    let f = this.families.get(name);
    if (!f) {
      f = { type, help, values: new Map(), ...(buckets ? { buckets, hist: new Map() } : {}) };
      this.families.set(name, f);
    }
    return f;
  }

  inc(name: string, help: string, labels?: Labels, by = 1): void {
    const f = this.family(name, 'counter', help);
    const key = labelKey(labels);
    f.values.set(key, (f.values.get(key) ?? 0) + by);
  }

  set(name: string, help: string, value: number, labels?: Labels): void {
    this.family(name, 'gauge', help).values.set(labelKey(labels), value);
  }

  observe(name: string, help: string, value: number, labels?: Labels, buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]): void {
    const f = this.family(name, 'histogram', help, buckets);
    const key = labelKey(labels);
    const hist = f.hist as NonNullable<Family['hist']>;
    let h = hist.get(key);
    if (!h) {
      h = { counts: new Array((f.buckets as number[]).length).fill(0), sum: 0, count: 0, labels };
      hist.set(key, h);
    }
    const counts = h.counts;
    for (const [i, b] of (f.buckets as number[]).entries()) if (value <= b) counts[i] = (counts[i] ?? 0) + 1;
    h.sum += value;
    h.count += 1;
  }

  /** Read a counter or gauge value (tests, admin console). */
  get(name: string, labels?: Labels): number {
    return this.families.get(name)?.values.get(labelKey(labels)) ?? 0;
  }

  /** Sum of a counter over all label sets matching `filter`. */
  sum(name: string, filter: Labels = {}): number {
    const f = this.families.get(name);
    if (!f) return 0;
    let total = 0;
    for (const [key, value] of f.values) {
      if (Object.entries(filter).every(([k, v]) => key.includes(`${k}="${String(v)}"`))) total += value;
    }
    return total;
  }

  /** Called before each render, to refresh gauges such as queue depth. */
  addCollector(collect: () => Promise<void> | void): void {
    this.collectors.push(collect);
  }

  async render(): Promise<string> {
    for (const collect of this.collectors) await collect();
    const lines: string[] = [];
    for (const [name, f] of this.families) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      if (f.type === 'histogram' && f.hist && f.buckets) {
        for (const h of f.hist.values()) {
          const base = h.labels ?? {};
          for (const [i, b] of f.buckets.entries()) lines.push(`${name}_bucket${labelKey({ ...base, le: b })} ${h.counts[i]}`);
          lines.push(`${name}_bucket${labelKey({ ...base, le: '+Inf' })} ${h.count}`);
          lines.push(`${name}_sum${labelKey(base)} ${h.sum}`, `${name}_count${labelKey(base)} ${h.count}`);
        }
      } else {
        for (const [key, value] of f.values) lines.push(`${name}${key} ${value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
