import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import { Visitor } from '../accounts/visitor.js';
import { GPT_CALLBACK, PASSWORD, authorizeUrl, followAuthorization, obtainCode, startOAuthTestServer, type OAuthTestServer } from './oauth-helpers.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** The words of the page, without markup. */
function pageText(html: string): string {
  const main = /<main[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? html;
  return main.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}

/** oidc-provider's own descriptions, written for developers: never shown to a person. */
const PROVIDER_ENGLISH = [/client is invalid/, /did not match any of the client/, /authorization request has expired/, /session mismatch/, /missing required parameter/, /interaction session/];

describe('authorization errors a person sees are in plain words, and unknown scopes go back to the client', () => {
  let server: OAuthTestServer;
  let clientId: string;

  before(async () => {
    server = await startOAuthTestServer();
    clientId = (await server.createClient({ name: 'Meal Planner GPT', scopes: ['foods:read', 'profile'] })).client.clientId;
  });
  after(() => server.close());

  const base = () => ({ response_type: 'code', client_id: clientId, redirect_uri: GPT_CALLBACK, state: 'st', scope: 'foods:read' });
  const page = async (path: string) => {
    const response = await fetch(server.baseUrl + path, { redirect: 'manual' });
    return { status: response.status, location: response.headers.get('location'), text: pageText(await response.text()) };
  };

  test('an unknown client: the app is not set up for this Larder, and what to tell its maker; never a redirect', async () => {
    const shown = await page(authorizeUrl({ ...base(), client_id: 'lc_notregistered' }));
    assert.equal(shown.status, 400);
    assert.equal(shown.location, null);
    assert.match(shown.text, /The app that sent you here is not set up for this Larder/);
    assert.match(shown.text, /nothing was shared with it/i);
    assert.match(shown.text, /What to tell the app’s maker The client id "lc_notregistered" is not registered at http:\/\/127\.0\.0\.1:\d+\. Ask the Larder operator/);
    for (const english of PROVIDER_ENGLISH) assert.doesNotMatch(shown.text, english);
  });

  test('no client id at all: the app did not say which app it is', async () => {
    const shown = await page('/oauth/authorize?response_type=code&state=st');
    assert.equal(shown.status, 400);
    assert.match(shown.text, /did not say which app it is/);
    for (const english of PROVIDER_ENGLISH) assert.doesNotMatch(shown.text, english);
  });

  test('a wrong redirect URI: names the app and the address, and the exact command for its operator', async () => {
    const shown = await page(authorizeUrl({ ...base(), redirect_uri: 'https://chatgpt.com/aip/g-other/oauth/callback' }));
    assert.equal(shown.status, 400);
    assert.equal(shown.location, null);
    assert.match(shown.text, /“Meal Planner GPT” is not set up to bring you back/);
    assert.match(shown.text, /only to the exact addresses an app registered/);
    assert.ok(shown.text.includes(`larder clients:update ${clientId} --add-redirect-uri "https://chatgpt.com/aip/g-other/oauth/callback"`), shown.text);
    for (const english of PROVIDER_ENGLISH) assert.doesNotMatch(shown.text, english);
  });

  test('an expired or finished sign-in does not blame the app', async () => {
    const shown = await page('/oauth/authorize/finishedlongago');
    assert.equal(shown.status, 400);
    assert.match(shown.text, /This sign-in has expired/);
    assert.match(shown.text, /Nothing is wrong with the app/);
    assert.doesNotMatch(shown.text, /What to tell the app’s maker/);
    for (const english of PROVIDER_ENGLISH) assert.doesNotMatch(shown.text, english);
  });

  test('oauth4webapi gets invalid_scope, with its state, for a scope Larder does not have; nobody is asked to log in', async () => {
    const issuer = new URL(server.baseUrl);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
    const client: oauth.Client = { client_id: clientId };
    for (const scope of ['foods:read recipes:write', 'recipes:write']) {
      const state = oauth.generateRandomState();
      const authorization = new URL(as.authorization_endpoint!);
      for (const [name, value] of Object.entries({ ...base(), scope, state })) authorization.searchParams.set(name, value);
      const response = await fetch(authorization, { redirect: 'manual' });
      assert.equal(response.status, 303, `${scope}: redirected at once, before any log-in`);
      const callback = new URL(response.headers.get('location')!);
      assert.equal(`${callback.origin}${callback.pathname}`, GPT_CALLBACK);
      assert.throws(
        () => oauth.validateAuthResponse(as, client, callback, state),
        (error: unknown) => error instanceof oauth.AuthorizationResponseError && error.error === 'invalid_scope' && /recipes:write/.test(error.error_description ?? ''),
        scope,
      );
    }
  });

  test('a known scope the client is not registered for: invalid_scope when nothing else was asked, left out otherwise', async () => {
    const onlyForbidden = await page(authorizeUrl({ ...base(), scope: 'diary:write' }));
    const callback = new URL(onlyForbidden.location!);
    assert.equal(callback.searchParams.get('error'), 'invalid_scope');
    assert.match(callback.searchParams.get('error_description') ?? '', /may ask only for: foods:read profile/);
    assert.equal(callback.searchParams.get('state'), 'st');

    // RFC 6749 section 3.3: the server may grant less than asked; the token says what it got.
    const { outcome } = await obtainCode(server, new Visitor(server.baseUrl), { ...base(), scope: 'foods:read diary:write' });
    assert.ok(outcome.redirect?.searchParams.get('code'));
  });

  test('the person still sees the consent page for scopes that are fine, openid included', async () => {
    const outcome = await followAuthorization(new Visitor(server.baseUrl), authorizeUrl({ ...base(), scope: 'openid foods:read profile' }), { login: { email: server.user.email, password: PASSWORD } });
    assert.ok(outcome.redirect?.searchParams.get('code') ?? /class="consent"/.test(outcome.page?.body ?? ''), outcome.trail.join(' -> '));
  });
});
