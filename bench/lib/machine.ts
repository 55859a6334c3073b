import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cores: number;
  mem_gb: number;
  node: string;
  cpu?: string;
}

export function machineInfo(): MachineInfo {
  const model = cpus()[0]?.model.trim();
  const m: MachineInfo = {
    cores: typeof availableParallelism === 'function' ? availableParallelism() : cpus().length,
    mem_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  if (model) m.cpu = model;
  return m;
}

/** 1-minute load average, 2 decimals (0 where the OS has none). */
export function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
