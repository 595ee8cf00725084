// Minimal Prometheus text-format registry: counters, gauges and histograms with labels.
type Labels = Record<string, string | number>;

function labelKey(labels: Labels | undefined): string {
  if (!labels) return '';
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function withoutLabels(labels: Labels, omit: Set<string>): Labels {
  const kept: Labels = {};
  for (const [name, value] of Object.entries(labels)) if (!omit.has(name)) kept[name] = value;
  return kept;
}

/** The labels of a key made by labelKey (values unescaped). */
function parseLabelKey(key: string): Labels {
  const labels: Labels = {};
  for (const match of key.matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    labels[match[1] as string] = (match[2] as string).replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
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

  /**
   * The text format. `omitLabels` drops those labels and adds up the series that then coincide (counters and
   * histograms; a gauge keeps the largest), e.g. `portal` for a scrape that must not name portals.
   */
  async render(options: { omitLabels?: string[] } = {}): Promise<string> {
    for (const collect of this.collectors) await collect();
    const omit = new Set(options.omitLabels ?? []);
    const lines: string[] = [];
    for (const [name, f] of this.families) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      if (f.type === 'histogram' && f.hist && f.buckets) {
        const merged = new Map<string, { counts: number[]; sum: number; count: number; labels: Labels }>();
        for (const h of f.hist.values()) {
          const base = withoutLabels(h.labels ?? {}, omit);
          const key = labelKey(base);
          const into = merged.get(key);
          if (!into) merged.set(key, { counts: [...h.counts], sum: h.sum, count: h.count, labels: base });
          else {
            h.counts.forEach((c, i) => {
              into.counts[i] = (into.counts[i] ?? 0) + c;
            });
            into.sum += h.sum;
            into.count += h.count;
          }
        }
        for (const h of merged.values()) {
          for (const [i, b] of f.buckets.entries()) lines.push(`${name}_bucket${labelKey({ ...h.labels, le: b })} ${h.counts[i]}`);
          lines.push(`${name}_bucket${labelKey({ ...h.labels, le: '+Inf' })} ${h.count}`);
          lines.push(`${name}_sum${labelKey(h.labels)} ${h.sum}`, `${name}_count${labelKey(h.labels)} ${h.count}`);
        }
      } else if (omit.size === 0) {
        for (const [key, value] of f.values) lines.push(`${name}${key} ${value}`);
      } else {
        const merged = new Map<string, number>();
        for (const [key, value] of f.values) {
          const reduced = labelKey(withoutLabels(parseLabelKey(key), omit));
          const before = merged.get(reduced);
          merged.set(reduced, before === undefined ? value : f.type === 'gauge' ? Math.max(before, value) : before + value);
        }
        for (const [key, value] of merged) lines.push(`${name}${key} ${value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
