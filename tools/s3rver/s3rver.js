'use strict';
// A throwaway S3-compatible server for the blob store's tests (tests/Commerce.Testing/S3Emulator.cs starts it): s3rver
// on 127.0.0.1, its objects in a folder the test owns, with the buckets it is told to create.
//
//   node s3rver.js <folder> <port> <bucket>...     port 0: one the system picks, announced in the first line
//
// stdout, one JSON object a line: {"event":"listening","port":N}. Access key and secret: S3RVER / S3RVER.
// The process ends when stdin closes, so it never outlives the test process that started it.
//
// s3rver 3.7.1 leaves out what the blob store's tests rely on; added here as S3 documents it:
// - AbortMultipartUpload (DELETE ?uploadId=, which s3rver answers 405), and NoSuchUpload for a part or a completion
//   of an upload that is not open (s3rver would create the upload's folder, or fail with a 500);
// - the buckets are private, as the store's are: a request with no credentials at all is AccessDenied (s3rver would
//   serve it);
// - a presigned URL's SigV4 query signature is verified (s3rver accepts any signature from a known access key):
//   SignatureDoesNotMatch, 403, when any signed part of the request was changed.
// Still unchecked: SigV4 signatures in Authorization headers (the SDK's own requests), and a part's size and ETag on
// completion (S3 refuses parts under 5 MiB but the last, and unknown ETags).

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const S3rver = require('s3rver');
const S3Error = require('s3rver/lib/models/error');

const [directory, portText, ...buckets] = process.argv.slice(2);
if (!directory || portText === undefined) {
  process.stderr.write('usage: node s3rver.js <folder> <port> <bucket>...\n');
  process.exit(2);
}

// Where s3rver's filesystem store keeps a bucket's open uploads (lib/stores/filesystem.js, S3RVER_SUFFIX).
const uploadFolder = (bucket, uploadId) => path.join(directory, bucket, '._S3rver_uploads', uploadId);

async function multipart(ctx, next) {
  const uploadId = ctx.query.uploadId;
  const [, bucket, ...key] = ctx.path.split('/');
  if (typeof uploadId !== 'string' || !bucket || key.length === 0) {
    return next();
  }

  // An id is s3rver's 32 hex digits; anything else is no upload of ours (and never a path).
  const folder = /^[0-9a-f]{32}$/.test(uploadId) ? uploadFolder(bucket, uploadId) : null;
  if (folder === null || !fs.existsSync(folder)) {
    throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });
  }

  if (ctx.method === 'DELETE') {
    await fs.promises.rm(folder, { recursive: true, force: true });
    ctx.status = 204;
    return undefined;
  }

  return next();
}

// RFC 3986 encoding, as SigV4's canonical request wants it.
const encode = (text) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key, text) => crypto.createHmac('sha256', key).update(text, 'utf8').digest();
const secrets = new Map([['S3RVER', 'S3RVER']]);

function signatureDoesNotMatch() {
  return new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
function checkPresigned(ctx) {
  const [pathPart, queryPart = ''] = ctx.originalUrl.split('?', 2);
  const pairs = queryPart.split('&').filter((p) => p.length > 0).map((p) => {
    const [name, value = ''] = p.split('=', 2);
    return [decodeURIComponent(name.replace(/\+/g, ' ')), decodeURIComponent(value.replace(/\+/g, ' '))];
  });
  const given = pairs.find(([name]) => name === 'X-Amz-Signature')?.[1] ?? '';
  const credential = (ctx.query['X-Amz-Credential'] ?? '').split('/');
  const secret = secrets.get(credential[0]);
  if (secret === undefined || credential.length !== 5) {
    throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }

  const query = pairs.filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [encode(name), encode(value)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`).join('&');
  const signedHeaders = String(ctx.query['X-Amz-SignedHeaders'] ?? '');
  const headers = signedHeaders.split(';').map((name) => `${name}:${String(ctx.get(name)).trim().replace(/ +/g, ' ')}\n`).join('');
  const canonical = [ctx.method, pathPart, query, headers, signedHeaders, 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = credential.slice(1).join('/');
  const toSign = ['AWS4-HMAC-SHA256', ctx.query['X-Amz-Date'], scope, crypto.createHash('sha256').update(canonical, 'utf8').digest('hex')].join('\n');
  const [date, region, service, terminal] = credential.slice(1);
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), terminal);
  const expected = crypto.createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  if (given.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    throw signatureDoesNotMatch();
  }
}

async function privateBuckets(ctx, next) {
  if ('X-Amz-Algorithm' in ctx.query) {
    checkPresigned(ctx);
  } else if (!('authorization' in ctx.headers) && !('Signature' in ctx.query)) {
    throw new S3Error('AccessDenied', 'Access Denied');
  }

  return next();
}

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(portText),
  directory,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name })),
});

// Ahead of s3rver's own middleware, so its router never sees what is answered here; errors still go through its
// onerror, which writes S3's XML error documents.
server.middleware.unshift(privateBuckets, multipart);

server.run((error, address) => {
  if (error) {
    process.stderr.write(`s3rver: ${error.message}\n`);
    process.exit(1);
  }

  process.stdout.write(JSON.stringify({ event: 'listening', port: address.port }) + '\n');
});

readline.createInterface({ input: process.stdin }).on('close', () => {
  server.close(() => process.exit(0));
  // Connections a client keeps open would hold close() back; nobody is left to wait for.
  setTimeout(() => process.exit(0), 1000).unref();
});
