import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../../sources/common/index.js';
import type { ParamModel } from '../../../../sources/rest/model.js';
import { buildRequest, type RequestPlan } from '../../../../sources/rest/request.js';
import { scalar, type TypeRef } from '../../../../sources/rest/shapes.js';

const loc = { file: '/x.yaml', pointer: '' };
const str: TypeRef = { shape: scalar('String'), nonNull: false };
const list: TypeRef = {
  shape: { kind: 'list', of: { shape: scalar('String'), nonNull: true } },
  nonNull: false,
};

function param(name: string, where: ParamModel['in'], extra: Partial<ParamModel> = {}): ParamModel {
  return {
    name,
    in: where,
    required: where === 'path',
    schema: undefined,
    style: where === 'query' || where === 'cookie' ? 'form' : 'simple',
    explode: where === 'query',
    loc,
    ...extra,
  };
}

const plan: RequestPlan = {
  source: 'shop',
  operation: 'getItem',
  method: 'get',
  path: '/items/{itemId}/parts',
  params: [
    { arg: 'itemId', param: param('itemId', 'path'), type: str },
    { arg: 'tags', param: param('tags', 'query'), type: list },
    { arg: 'ids', param: param('ids', 'query', { explode: false }), type: list },
    {
      arg: 'piped',
      param: param('piped', 'query', { style: 'pipeDelimited', explode: false }),
      type: list,
    },
    {
      arg: 'filter',
      param: param('filter', 'query', { style: 'deepObject' }),
      type: { shape: scalar('JSON'), nonNull: false },
    },
    { arg: 'xTrace', param: param('X-Trace', 'header'), type: str },
    { arg: 'session', param: param('session', 'cookie'), type: str },
  ],
};

describe('building a REST request', () => {
  it('serialises query, header and cookie parameters by style', () => {
    const built = buildRequest(
      plan,
      {
        itemId: 'a1',
        tags: ['x', 'y'],
        ids: ['1', '2'],
        piped: ['p', 'q'],
        filter: { min: 2, name: 'n' },
        xTrace: 't1',
        session: 'a b;c',
      },
      'http://h:1/api/',
    );
    expect(built.url.pathname).toBe('/api/items/a1/parts');
    expect([...built.url.searchParams]).toEqual([
      ['tags', 'x'],
      ['tags', 'y'],
      ['ids', '1,2'],
      ['piped', 'p|q'],
      ['filter[min]', '2'],
      ['filter[name]', 'n'],
    ]);
    expect(built.headers['x-trace']).toBe('t1');
    expect(built.headers.cookie).toBe('session=a%20b%3Bc');
  });

  it('writes the query as URLSearchParams would, characters that need escaping included, and none when there is nothing to send', () => {
    const tags = ['a b', 'c&d=e', 'ü+/?#', '%41'];
    const built = buildRequest(plan, { itemId: 'a1', tags }, 'http://h:1/api');
    const expected = new URLSearchParams(tags.map((tag) => ['tags', tag]));
    expect(built.url.search).toBe(`?${expected.toString()}`);
    expect([...built.url.searchParams]).toEqual(tags.map((tag) => ['tags', tag]));
    expect(buildRequest(plan, { itemId: 'a1' }, 'http://h:1/api').url.href).toBe(
      'http://h:1/api/items/a1/parts',
    );
  });

  it('keeps a query the base URL already has and adds the parameters after it', () => {
    const built = buildRequest(
      { ...plan, path: '' },
      { itemId: 'a1', tags: ['x y'] },
      'http://h:1/api?tenant=7',
    );
    expect([...built.url.searchParams]).toEqual([
      ['tenant', '7'],
      ['tags', 'x y'],
    ]);
  });

  it('keeps path values inside their segment: ../, / and %2F never change the route', () => {
    for (const id of ['../admin', 'a/b', '%2F..%2Fadmin', '?x=1#frag']) {
      const built = buildRequest(plan, { itemId: id }, 'http://h:1');
      expect(built.url.pathname).toBe(`/items/${encodeURIComponent(id)}/parts`);
      expect(decodeURIComponent(built.url.pathname.split('/')[2] ?? '')).toBe(id);
      expect(built.url.search).toBe('');
    }
  });

  it('refuses "." and ".." and missing path values with SOURCE_BAD_INPUT', () => {
    for (const itemId of ['..', '.', '', undefined]) {
      let caught: unknown;
      try {
        buildRequest(plan, { itemId }, 'http://h:1');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SourceError);
      expect((caught as SourceError).code).toBe('SOURCE_BAD_INPUT');
    }
  });

  it('writes label and matrix path styles', () => {
    const styled: RequestPlan = {
      ...plan,
      path: '/a/{l}/{m}',
      params: [
        { arg: 'l', param: param('l', 'path', { style: 'label' }), type: list },
        { arg: 'm', param: param('m', 'path', { style: 'matrix', explode: true }), type: list },
      ],
    };
    expect(buildRequest(styled, { l: ['x', 'y'], m: ['1', '2'] }, 'http://h:1').url.pathname).toBe(
      '/a/.x,y/;m=1;m=2',
    );
  });

  it('strips line breaks from header values so a caller cannot add headers', () => {
    const built = buildRequest(plan, { itemId: 'a', xTrace: 'x\r\nx-admin: 1' }, 'http://h:1');
    expect(built.headers['x-trace']).toBe('x  x-admin: 1');
    expect(built.headers['x-admin']).toBeUndefined();
  });
});

describe('issue 16: what reaches the URL and the body', () => {
  const base: RequestPlan = {
    source: 'files',
    operation: 'op',
    method: 'get',
    path: '/files/{id}#get_shared_link',
    params: [
      { arg: 'id', param: param('id', 'path'), type: str },
      { arg: 'fields', param: param('fields', 'query'), type: str },
    ],
  };

  it('bug: a path key "#fragment" reached the URL and swallowed the query; it is never sent', () => {
    const built = buildRequest(base, { id: '1', fields: 'shared_link' }, 'http://h:1');
    expect(built.url.href).toBe('http://h:1/files/1?fields=shared_link');
    expect(built.url.hash).toBe('');
  });

  it('sends a binary body as the bytes of its Base64 (standard or URL-safe) with the declared Content-Type', () => {
    const upload: RequestPlan = {
      ...base,
      method: 'post',
      path: '/up',
      params: [],
      body: {
        arg: 'input',
        encoding: 'binary',
        mediaType: 'application/cbor',
        type: { shape: scalar('Base64'), nonNull: true },
      },
    };
    for (const encoded of ['+/8=', '-_8=']) {
      const built = buildRequest(upload, { input: encoded }, 'http://h:1');
      expect(built.headers['content-type']).toBe('application/cbor');
      expect([...(built.body as Uint8Array)]).toEqual([0xfb, 0xff]);
    }
  });

  it('sends a text body as is, and asks for a non-JSON answer in its media type', () => {
    const note: RequestPlan = {
      ...base,
      method: 'post',
      path: '/notes',
      params: [],
      accept: 'application/x-ndjson',
      body: { arg: 'input', encoding: 'text', mediaType: 'text/plain; charset=utf-8', type: str },
    };
    const built = buildRequest(note, { input: 'a\nb' }, 'http://h:1');
    expect(built).toMatchObject({
      body: 'a\nb',
      headers: { 'content-type': 'text/plain; charset=utf-8', accept: 'application/x-ndjson' },
    });
  });
});
