/** Test helper: run CaptureReader over bytes split in chunks, keeping copies of every frame. */
import { CaptureReader } from '../../../decoders/capture/reader';
import type { CaptureInfo, RawFrame } from '../../../decoders/capture/types';
import type { CaptureWarning } from '../../../decoders/core/model';

export interface FrameCopy extends Omit<RawFrame, 'data'> {
  data: number[];
}

export interface ReadResult {
  frames: FrameCopy[];
  warnings: CaptureWarning[];
  info: CaptureInfo | undefined;
  infoCalls: number;
  reader: CaptureReader;
}

/** Read `file` pushed in chunks of `chunk` bytes (or the sizes yielded by `sizes`). */
export function readAll(file: Uint8Array, chunk: number | (() => number) = file.length || 1, opts?: { maxRecordBytes?: number }): ReadResult {
  const frames: FrameCopy[] = [];
  const warnings: CaptureWarning[] = [];
  let infoCalls = 0;
  const reader = new CaptureReader(
    {
      frame: (f) => frames.push({ ...f, data: Array.from(f.data) }),
      warning: (w) => warnings.push(w),
      info: () => infoCalls++,
    },
    opts,
  );
  for (let o = 0; o < file.length; ) {
    const n = Math.max(1, typeof chunk === 'number' ? chunk : chunk());
    reader.push(file.subarray(o, o + n));
    o += n;
  }
  reader.end();
  return { frames, warnings, info: reader.info, infoCalls, reader };
}
