// styles-client.mjs BASE: calls styles-openapi.yaml's operations as a generated TypeScript client
// does (one function per operation; each parameter serialised as its style says, written out here
// the way openapi-generator's and openapi-fetch's runtimes do: URLSearchParams for the query,
// encodeURIComponent per value, fetch with FormData and Blob for multipart, URLSearchParams for
// urlencoded bodies). Prints one JSON line per call (as styles-lab.py does).
const BASE = process.argv[2];

const enc = encodeURIComponent;
const style = {
  deepObject: (name, obj, q) => Object.entries(obj).forEach(([k, v]) => q.append(`${name}[${k}]`, String(v))),
  pipe: (name, arr, q) => q.append(name, arr.join('|')),
  space: (name, arr, q) => q.append(name, arr.join(' ')),
  formObject: (name, obj, q) => q.append(name, Object.entries(obj).flat().join(',')),
  formObjectExploded: (obj, q) => Object.entries(obj).forEach(([k, v]) => q.append(k, String(v))),
  matrix: (name, v) => (Array.isArray(v) ? `;${name}=${v.map(enc).join(',')}` : `;${name}=${enc(v)}`),
  matrixExploded: (name, arr) => arr.map((v) => `;${name}=${enc(v)}`).join(''),
  label: (arr) => `.${arr.map(enc).join('.')}`,
  simpleObjectExploded: (obj) => Object.entries(obj).map(([k, v]) => `${enc(k)}=${enc(v)}`).join(','),
};

async function call(method, path, op, init = {}, invalid = null, expect = undefined) {
  const r = await fetch(BASE + path, { method, ...init });
  await r.arrayBuffer();
  console.log(JSON.stringify({ method, path: path.split('?')[0], status: r.status, operationId: op, invalid, ...(expect ? { expect } : {}) }));
}

const api = {
  listPeople: ({ filter, sort, ids, color, page, fields } = {}, inv, exp) => {
    const q = new URLSearchParams();
    if (filter) style.deepObject('filter', filter, q);
    if (sort) style.pipe('sort', sort, q);
    if (ids) style.space('ids', ids, q);
    if (color) style.formObject('color', color, q);
    if (page) style.formObjectExploded(page, q);
    if (fields) q.append('fields', fields.join(','));
    return call('GET', `/v1/people?${q}`, 'listPeople', {}, inv, exp);
  },
  createPerson: (form, inv, exp) => {
    const b = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) {
      if (k === 'address') style.deepObject('address', v, b);
      else if (k === 'langs') b.append('langs', v.join(','));
      else if (Array.isArray(v)) v.forEach((x) => b.append(k, String(x)));
      else b.append(k, String(v));
    }
    return call('POST', '/v1/people', 'createPerson', { body: b }, inv, exp);
  },
  search: (q) => call('GET', `/v1/search?${new URLSearchParams({ q: JSON.stringify(q) })}`, 'search'),
  getPerson: (id, inv, exp) => call('GET', `/v1/people/${style.matrix('id', id)}`, 'getPerson', {}, inv, exp),
  getTeams: (ids) => call('GET', `/v1/teams/${style.matrixExploded('ids', ids)}`, 'getTeams'),
  getGroups: (ids) => call('GET', `/v1/groups/${style.matrix('ids', ids)}`, 'getGroups'),
  getShelves: (pos, inv, exp) => call('GET', `/v1/shelves/${style.label(pos)}`, 'getShelves', {}, inv, exp),
  getPoint: (point, { range, tags, prefs, seen } = {}, inv, exp) => {
    const headers = {};
    if (range) headers['X-Range'] = Object.entries(range).flat().join(',');
    if (tags) headers['X-Tags'] = tags.join(',');
    const cookies = [];
    if (prefs) cookies.push(`prefs=${Object.entries(prefs).flat().join(',')}`);
    if (seen) cookies.push(`seen=${seen.join(',')}`);
    if (cookies.length) headers.Cookie = cookies.join('; ');
    return call('GET', `/v1/points/${style.simpleObjectExploded(point)}`, 'getPoint', { headers }, inv, exp);
  },
  addPhotos: (id, { photo, thumbnails, meta, rating, tags }, inv, exp) => {
    const fd = new FormData();
    if (photo) fd.append('photo', photo, 'photo.png');
    for (const t of thumbnails ?? []) fd.append('thumbnails', t, 'thumb.png');
    // (a JSON part as a Blob: FormData gives it the file name "blob")
    if (meta) fd.append('meta', new Blob([JSON.stringify(meta)], { type: 'application/json' }));
    if (rating !== undefined) fd.append('rating', String(rating));
    for (const t of tags ?? []) fd.append('tags', t);
    return call('POST', `/v1/people/${id}/photos`, 'addPhotos', { body: fd }, inv, exp);
  },
};

const png = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(3000)])], { type: 'image/png' });
const E = (has, why) => ({ has, why });

await api.listPeople({ filter: { name: 'Grace', age: 45, city: 'New York' }, sort: ['-age', 'name'], ids: [1, 2], color: { R: 0, G: 128, B: 255 }, page: { offset: 40, size: 20 }, fields: ['id', 'city'] });
await api.listPeople({ filter: { age: -3 }, fields: ['id', 'email'] }, 'query: filter.age negative, fields email', [E('filter/age must be >= 0', 'minimum'), E('fields/1 must be one of', 'enum')]);
await api.createPerson({ name: 'Grace Hopper', age: 45, email: 'grace@example.org', newsletter: false, tags: ['navy', 'cobol'], langs: ['en'], address: { city: 'New York', zip: '10001' } });
await api.createPerson({ name: 'Grace', age: 151, email: 'not-an-email', tags: ['a', 'b', 'c', 'd', 'e'], address: { zip: '10001' } }, 'age over 150, email, five tags, address without city', [
  E('request body /age must be <= 150', 'maximum'),
  E('request body /email must match format "email"', 'format'),
  E('request body /tags must NOT have more than 4 items', 'maxItems'),
  E("request body /address must have required property 'city'", 'required'),
]);
await api.search({ term: 'grace', limit: 10 });
await api.getPerson(12);
await api.getPerson('x', 'path: id not an integer (400)', [E('path parameter id must be integer', 'type')]);
await api.getTeams([7, 8]);
await api.getGroups([7, 8, 9]);
await api.getShelves([1, 2, 3]);
await api.getPoint({ x: 0.5, y: 10 }, { range: { min: 0, max: 10 }, tags: ['n', 's'], prefs: { theme: 'light', size: 16 }, seen: [1, 2] });
await api.addPhotos(12, { photo: png, thumbnails: [png, png], meta: { caption: 'launch', taken: '2026-11-23T08:00:00Z' }, rating: 5, tags: ['space'] });
await api.addPhotos(12, { photo: png, thumbnails: [png, png, png, png], meta: { taken: 'yesterday' }, rating: 0 }, 'four thumbnails, meta without caption, rating 0', [
  E('request body /thumbnails must NOT have more than 3 items', 'maxItems'),
  E("request body /meta must have required property 'caption'", 'required'),
  E('request body /rating must be >= 1', 'minimum'),
]);
