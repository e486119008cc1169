import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, MetricsRegistry } from './registry.js';

describe('metrics registry', () => {
  it('keeps one series per label values, whatever order the labels are given in', () => {
    const registry = new MetricsRegistry();
    const c = registry.register(new Counter('calls_total', 'Calls', ['status', 'api']));
    c.inc({ api: 'openai.chat', status: '200' });
    c.inc({ status: '200', api: 'openai.chat' }, 2);
    c.inc({ api: 'anthropic.messages', status: '401' });
    expect(registry.render()).toBe(
      '# HELP calls_total Calls\n# TYPE calls_total counter\ncalls_total{api="openai.chat",status="200"} 3\ncalls_total{api="anthropic.messages",status="401"} 1\n',
    );
  });

  it('escapes label values and renders histograms cumulatively', () => {
    const registry = new MetricsRegistry();
    const h = registry.register(new Histogram('lat_ms', 'Latency', ['deployment'], [10, 100]));
    h.observe({ deployment: 'a"b\\c\nd' }, 5);
    h.observe({ deployment: 'a"b\\c\nd' }, 50);
    const text = registry.render();
    expect(text).toContain('lat_ms_bucket{deployment="a\\"b\\\\c\\nd",le="10"} 1');
    expect(text).toContain('lat_ms_bucket{deployment="a\\"b\\\\c\\nd",le="100"} 2');
    expect(text).toContain('lat_ms_bucket{deployment="a\\"b\\\\c\\nd",le="+Inf"} 2');
    expect(text).toContain('lat_ms_sum{deployment="a\\"b\\\\c\\nd"} 55');
  });

  it('reads gauges when rendered, and refuses a second family of one name', () => {
    const registry = new MetricsRegistry();
    let state = 1;
    registry.register(new Gauge('state', 'State', ['deployment'], (g) => g.set({ deployment: 'd1' }, state)));
    state = 2;
    expect(registry.render()).toContain('state{deployment="d1"} 2');
    expect(() => registry.register(new Counter('state', 'again'))).toThrow(/already registered/);
  });
});
