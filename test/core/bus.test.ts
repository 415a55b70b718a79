import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../src/core/bus.js';
import { ServiceManager, type Service } from '../../src/core/lifecycle.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';

interface Events {
  ping: { n: number };
  other: string;
}

describe('EventBus', () => {
  it('delivers to every listener even when one throws or rejects', async () => {
    const bus = new EventBus<Events>(silentLogger());
    const seen: string[] = [];
    bus.on('ping', 'a', () => {
      throw new Error('boom');
    });
    bus.on('ping', 'b', async () => {
      throw new Error('async boom');
    });
    bus.on('ping', 'c', (p) => void seen.push(`c${p.n}`));
    bus.emit('ping', { n: 1 });
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['c1']);
    expect(bus.stats().listenerFailures).toBe(2);
    expect(bus.stats().emitted).toEqual({ ping: 1 });
  });

  it('removes all listeners of one owner', () => {
    const bus = new EventBus<Events>();
    const fn = vi.fn();
    bus.on('ping', 'x', fn);
    bus.on('other', 'x', fn);
    bus.on('ping', 'y', fn);
    bus.off('x');
    bus.emit('ping', { n: 2 });
    bus.emit('other', 'hi');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(bus.listenerCount('ping')).toBe(1);
  });
});

function service(name: string, log: string[], failStart = false): Service {
  return {
    name,
    start: async () => {
      if (failStart) throw new Error(`${name} cannot start`);
      log.push(`start ${name}`);
    },
    stop: async () => void log.push(`stop ${name}`),
  };
}

describe('ServiceManager', () => {
  it('starts in order and stops in reverse', async () => {
    const log: string[] = [];
    const m = new ServiceManager([service('a', log), service('b', log), service('c', log)], silentLogger());
    await m.start();
    await m.stop();
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('never half-starts: a failing service stops those already started', async () => {
    const log: string[] = [];
    const m = new ServiceManager([service('a', log), service('b', log, true), service('c', log)], silentLogger());
    await expect(m.start()).rejects.toThrow('b cannot start');
    expect(log).toEqual(['start a', 'stop a']);
  });

  it('gives up on a service that does not stop in time and stops the rest', async () => {
    const log: string[] = [];
    const hang: Service = { name: 'hang', start: async () => {}, stop: () => new Promise(() => {}) };
    const m = new ServiceManager([service('a', log), hang], silentLogger());
    await m.start();
    await m.stop(200);
    expect(log).toEqual(['start a', 'stop a']);
  });
});

describe('Telemetry', () => {
  it('is healthy only when every component is up, and counts rejected input', async () => {
    const t = new Telemetry({ defaultMetrics: false });
    let storage: 'up' | 'degraded' = 'up';
    t.registerHealth('storage', () => ({ status: storage }));
    t.registerHealth('bmp', () => ({ status: 'disabled' }));
    expect(t.health().status).toBe('healthy');
    storage = 'degraded';
    expect(t.health().status).toBe('degraded');
    t.rejected('bmp', 'bad_version', 2);
    t.rejected('bmp', 'bad_version');
    expect(t.health().rejected).toEqual({ bmp: { bad_version: 3 } });
    expect(await t.registry.metrics()).toContain('smoketrace_rejected_input_total{component="bmp",reason="bad_version"} 3');
  });

  it('reports a provider that throws as down', () => {
    const t = new Telemetry({ defaultMetrics: false });
    t.registerHealth('x', () => {
      throw new Error('nope');
    });
    expect(t.health().components.x).toEqual({ status: 'down', details: { error: 'Error: nope' } });
  });
});
