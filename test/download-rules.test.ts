/**
 * The rules of model delivery (issue #16) as tables: listings and manifests, the Hub's headers,
 * ranges and validators, retries and give-up, what a device plainly cannot run. The behaviour
 * on a real network is `delivery.test.ts`.
 */
import { expect } from '@open-wc/testing';
import { WASM_MEMORY_LIMIT, dtypesThatFit, fitProblem, largestTensorBytes, weightsBytes } from '../dist/engine/worker/device-fit.js';
import { DownloadGate } from '../dist/engine/worker/download/download-gate.js';
import {
  declaredDtype,
  fetchListing,
  hubTreeUrl,
  nextPageUrl,
  normalizeSha256,
  parseHubTree,
  parseManifest,
} from '../dist/engine/worker/download/file-listing.js';
import {
  parseContentRange,
  statedSha256,
  validatorsDiffer,
  validatorsOf,
} from '../dist/engine/worker/download/resumable-download.js';
import { RETRY_LIMITS, isRetryableStatus, partSize, retryDelay, shouldGiveUp } from '../dist/engine/worker/download/retry-policy.js';

const SHA = 'a'.repeat(64);

describe('download rules', () => {
  describe('listings', () => {
    it('reads a manifest: sizes and SHA-256 per path', () => {
      const files = parseManifest({
        version: 1,
        files: { 'config.json': { size: 10, sha256: SHA.toUpperCase() }, './onnx/model.onnx': { size: 20 } },
      });
      expect([...files]).to.deep.equal([
        ['config.json', { size: 10, sha256: SHA }],
        ['onnx/model.onnx', { size: 20, sha256: undefined }],
      ]);
    });

    it('refuses a manifest that is not one', () => {
      expect(() => parseManifest({})).to.throw(SyntaxError, /"files"/);
      expect(() => parseManifest({ files: [] })).to.throw(SyntaxError);
      expect(() => parseManifest({ files: { 'a.onnx': { sha256: 'abc' } } })).to.throw(SyntaxError, /64 hex/);
    });

    it("reads the Hub's tree listing: files only, the LFS oid as SHA-256, git blob ids ignored", () => {
      const files = parseHubTree([
        { type: 'directory', path: 'onnx', oid: 'x', size: 0 },
        { type: 'file', path: 'config.json', oid: 'b'.repeat(40), size: 700 },
        { type: 'file', path: 'onnx/model_q4.onnx', oid: 'c'.repeat(40), size: 133, lfs: { oid: SHA, size: 300_000_000, pointerSize: 133 } },
      ]);
      expect([...files]).to.deep.equal([
        ['config.json', { size: 700, sha256: undefined }],
        ['onnx/model_q4.onnx', { size: 300_000_000, sha256: SHA }],
      ]);
    });

    it("builds the Hub's listing URL and follows its pages", () => {
      expect(hubTreeUrl('https://huggingface.co/', 'org/model')).to.equal(
        'https://huggingface.co/api/models/org/model/tree/main?recursive=true',
      );
      expect(nextPageUrl('<https://huggingface.co/api/models/m/tree/main?cursor=x>; rel="next"', 'https://huggingface.co/')).to.equal(
        'https://huggingface.co/api/models/m/tree/main?cursor=x',
      );
      expect(nextPageUrl(null, 'https://huggingface.co/')).to.equal(undefined);
    });

    it('fetches the Hub listing page by page, and reads "no manifest" as no listing', async () => {
      const pages: Record<string, Response> = {
        'https://hub.test/api/models/m/tree/main?recursive=true': new Response(
          JSON.stringify([{ type: 'file', path: 'config.json', size: 1 }]),
          { headers: { link: '<https://hub.test/next>; rel="next"' } },
        ),
        'https://hub.test/next': new Response(JSON.stringify([{ type: 'file', path: 'onnx/model.onnx', size: 2 }])),
      };
      const listing = await fetchListing({ kind: 'hub', hubHost: 'https://hub.test', model: 'm' }, async (url) => pages[url]!);
      expect(listing!.source).to.equal('hub');
      expect([...listing!.files.keys()]).to.deep.equal(['config.json', 'onnx/model.onnx']);
      const none = await fetchListing({ kind: 'folder', folderUrl: 'https://host.test/m/' }, async () => new Response('', { status: 404 }));
      expect(none).to.equal(null);
      // A single-page-app server's index page in place of the manifest is no manifest either.
      const page = await fetchListing({ kind: 'folder', folderUrl: 'https://host.test/m/' }, async () =>
        new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }),
      );
      expect(page).to.equal(null);
      // A list without config.json cannot be whole: not used.
      const partial = await fetchListing({ kind: 'folder', folderUrl: 'https://host.test/m/' }, async () =>
        new Response(JSON.stringify({ files: { 'onnx/model.onnx': { size: 1 } } })),
      );
      expect(partial).to.equal(null);
    });

    it('reads the dtype a model declares in transformers.js_config', () => {
      expect(declaredDtype({ 'transformers.js_config': { dtype: 'q4f16' } })).to.equal('q4f16');
      expect(declaredDtype({ 'transformers.js_config': { dtype: { model: 'q4' } } })).to.equal(undefined);
      expect(declaredDtype({})).to.equal(undefined);
    });

    it('normalizes SHA-256 values as hosts write them', () => {
      for (const value of [SHA, `"${SHA}"`, `W/"${SHA}"`, `sha256:${SHA}`, SHA.toUpperCase()]) {
        expect(normalizeSha256(value), value).to.equal(SHA);
      }
      for (const value of ['"abc"', 'b'.repeat(40), undefined, 42]) expect(normalizeSha256(value)).to.equal(undefined);
    });
  });

  describe('answers', () => {
    it('parses Content-Range', () => {
      expect(parseContentRange('bytes 100-199/1000')).to.deep.equal({ start: 100, end: 199, size: 1000 });
      expect(parseContentRange('bytes 0-0/*')).to.deep.equal({ start: 0, end: 0, size: undefined });
      expect(parseContentRange(null)).to.equal(undefined);
    });

    it('takes strong ETags and Last-Modified as validators; a different one means another version', () => {
      const answer = (headers: Record<string, string>) => validatorsOf(new Response(null, { headers }));
      expect(answer({ etag: '"v1"', 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' })).to.deep.equal({
        etag: '"v1"',
        lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT',
      });
      expect(answer({ etag: 'W/"v1"' }).etag).to.equal(undefined);
      expect(validatorsDiffer({ etag: '"v1"' }, { etag: '"v2"' })).to.equal(true);
      expect(validatorsDiffer({ etag: '"v1"' }, { etag: '"v1"', lastModified: 'x' })).to.equal(false);
      expect(validatorsDiffer({ lastModified: 'a' }, { lastModified: 'b' })).to.equal(true);
      // Nothing to compare (a cross-origin answer that exposes no validator): not a change.
      expect(validatorsDiffer({ etag: '"v1"' }, {})).to.equal(false);
    });

    it("takes the Hub's X-Linked-ETag (or its ETag, from the Hub) as the file's SHA-256, never another host's ETag", () => {
      const stated = (headers: Record<string, string>) => statedSha256(new Response(null, { headers }));
      expect(stated({ 'x-linked-etag': `"${SHA}"`, etag: '"other"' })).to.equal(SHA);
      expect(stated({ etag: `"${SHA}"`, 'x-repo-commit': 'c'.repeat(40) })).to.equal(SHA);
      expect(stated({ etag: `"${SHA}"` })).to.equal(undefined);
    });
  });

  describe('retries', () => {
    it('waits twice as long each time, from 0.5 s to at most 8 s, with ±25 % jitter', () => {
      expect([0, 1, 2, 3, 4, 5, 9].map((attempt) => retryDelay(attempt, 0.5))).to.deep.equal([500, 1000, 2000, 4000, 8000, 8000, 8000]);
      expect(retryDelay(0, 0)).to.equal(375);
      expect(retryDelay(0, 0.999)).to.be.closeTo(625, 1);
    });

    it('gives up after 30 s without a byte once the host answered, after 3 s when it never did', () => {
      const table: [number, boolean, boolean][] = [
        [2_999, false, false],
        [3_000, false, true],
        [29_999, true, false],
        [30_000, true, true],
      ];
      for (const [ms, answered, giveUp] of table) {
        expect(shouldGiveUp({ msWithoutProgress: ms, hostAnswered: answered }), `${ms} ms, answered ${answered}`).to.equal(giveUp);
      }
      expect(RETRY_LIMITS.patienceMs).to.equal(30_000);
    });

    it('retries 408, 429 and 5xx answers, never 4xx refusals', () => {
      expect([200, 206, 401, 403, 404, 408, 416, 429, 500, 503].filter(isRetryableStatus)).to.deep.equal([408, 429, 500, 503]);
    });

    it('persists parts of 1/16 of a file, between 64 KiB and 4 MiB', () => {
      expect(partSize(450_000)).to.equal(64 * 1024);
      expect(partSize(16 * 2 ** 20)).to.equal(2 ** 20);
      expect(partSize(2e9)).to.equal(4 * 2 ** 20);
      expect(partSize(undefined)).to.equal(2 ** 20);
    });

    it('a pause interrupts a wait, and the time paused is reported (it does not count against patience)', async () => {
      const gate = new DownloadGate();
      const sleeping = gate.sleep(60_000);
      gate.pause();
      await new Promise((resolve) => setTimeout(resolve, 50));
      gate.resume();
      expect(await sleeping).to.be.at.least(40);
      expect(await gate.sleep(1)).to.equal(0);
    });
  });

  describe('what a device cannot run', () => {
    const GB = 1e9;
    const files = new Map<string, { size?: number }>([
      ['onnx/model.onnx', { size: 1e6 }],
      ['onnx/model.onnx_data', { size: 32 * GB }],
      ['onnx/model_q4.onnx', { size: 3 * GB }],
    ]);
    const config = { vocab_size: 128_256, hidden_size: 4096 };

    it('sums a dtype\'s weights with their external data files', () => {
      expect(weightsBytes(files, 'fp32')).to.equal(32 * GB + 1e6);
      expect(weightsBytes(files, 'q4')).to.equal(3 * GB);
      expect(weightsBytes(files, 'fp16')).to.equal(undefined);
    });

    it('estimates the largest tensor (the embedding) at the fewest bytes per weight', () => {
      expect(largestTensorBytes(config, 'fp32')).to.equal(128_256 * 4096 * 4);
      expect(largestTensorBytes(config, 'q4f16')).to.equal(128_256 * 4096 * 0.5);
      expect(largestTensorBytes({ text_config: config }, 'fp16')).to.equal(128_256 * 4096 * 2);
      expect(largestTensorBytes({}, 'fp32')).to.equal(undefined);
    });

    it('finds weights beyond WebAssembly memory, and tensors beyond the GPU buffer limit', () => {
      expect(fitProblem('wasm', 'fp32', { weights: WASM_MEMORY_LIMIT + 1, tensor: 1 }, {})).to.contain('4 GiB');
      expect(fitProblem('wasm', 'q4', { weights: 3 * GB, tensor: 1 }, {})).to.equal(undefined);
      expect(fitProblem('webgpu', 'fp32', { weights: 40 * GB, tensor: 2 * GB }, { gpuMaxBuffer: 2 ** 30 })).to.contain('largest buffer');
      // Nothing known, nothing refused.
      expect(fitProblem('webgpu', 'fp32', { weights: undefined, tensor: undefined }, {})).to.equal(undefined);
      expect(dtypesThatFit('wasm', files, config, {})).to.deep.equal(['q4']);
    });
  });
});
