// The console's one way to the broker: the JSON API under /api/v1 (broker/http/API.md).

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(method, path, body) {
  const init = {method, headers: {Accept: 'application/json'}};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'unreachable', `the broker does not answer (${e.message})`);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, data?.error?.code ?? `http_${response.status}`,
      data?.error?.message ?? `${response.status} ${response.statusText}`);
  }
  return data;
}

const enc = encodeURIComponent;

function query(params) {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${enc(k)}=${enc(v)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

export const api = {
  health: () => call('GET', '/api/v1/health'),
  stats: () => call('GET', '/api/v1/stats'),
  topics: () => call('GET', '/api/v1/topics'),
  topic: (name) => call('GET', `/api/v1/topics/${enc(name)}`),
  createTopic: (spec) => call('POST', '/api/v1/topics', spec),
  deleteTopic: (name) => call('DELETE', `/api/v1/topics/${enc(name)}${query({confirm: name})}`),
  // {partition, offset, timestamp_ms, limit}
  records: (name, params) => call('GET', `/api/v1/topics/${enc(name)}/records${query(params)}`),
  groups: () => call('GET', '/api/v1/groups'),
  group: (name) => call('GET', `/api/v1/groups/${enc(name)}`),
  // {topic, partitions?, to}
  resetOffsets: (name, spec) =>
    call('POST', `/api/v1/groups/${enc(name)}/offsets`, {confirm: name, ...spec}),
};
