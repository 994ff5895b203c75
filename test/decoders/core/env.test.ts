import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bodyPreviewLimits, DEFAULT_LIMITS } from '../../../decoders/core/env';

describe('bodyPreviewLimits: the one rule for a chosen body preview (CLI --max-body, callscope.maxBodyBytes)', () => {
  it('clamped to 1 KiB … 256 MiB; decompressed output gets at least the preview, else its default', () => {
    assert.deepEqual(bodyPreviewLimits(2048), { maxBodyBytes: 2048, maxDecompressedBytes: DEFAULT_LIMITS.maxDecompressedBytes });
    assert.deepEqual(bodyPreviewLimits(16 << 20), { maxBodyBytes: 16 << 20, maxDecompressedBytes: 16 << 20 });
    assert.deepEqual(bodyPreviewLimits(10), { maxBodyBytes: 1024, maxDecompressedBytes: DEFAULT_LIMITS.maxDecompressedBytes });
    assert.deepEqual(bodyPreviewLimits(1e12), { maxBodyBytes: 256 << 20, maxDecompressedBytes: 256 << 20 });
    assert.equal(bodyPreviewLimits(1536.4).maxBodyBytes, 1536);
  });
});
