// The invite page (/invite/:token): which state a session and the API's
// answers put it in, and what each state shows.
import { beforeAll, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import i18n from '../src/i18n';
import { ApiError } from '../src/api/client';
import { inviteStage, inviteURL, isInviteToken, otherAccountHelps, refusalOf } from '../src/lib/invite';
import { InviteView, type InviteViewProps } from '../src/pages/Invite';

const TOKEN = 'q3xK0lF8mU2cW9eT1yR5aH7dJ4bN6gV0sP8oZ2iL5kE';

describe('inviteStage', () => {
  const verified = { emailVerified: true };
  const unverified = { emailVerified: false };
  it.each([
    ['a malformed link, signed out', null, 'abc', null, 'refused'],
    ['a malformed link, signed in', verified, `${TOKEN}x`, null, 'refused'],
    ['the session being restored', undefined, TOKEN, null, 'loading'],
    ['signed out', null, TOKEN, null, 'signedOut'],
    ['signed in, address unverified', unverified, TOKEN, null, 'unverified'],
    ['signed in, address verified', verified, TOKEN, null, 'ready'],
    ['the API says unverified though the client thought otherwise', verified, TOKEN, 'unverified', 'unverified'],
    ['another address', verified, TOKEN, 'email_mismatch', 'refused'],
    ['a used link', verified, TOKEN, 'used', 'refused'],
    ['an expired link, even unverified', unverified, TOKEN, 'expired', 'refused'],
  ] as const)('%s', (_name, user, token, refusal, want) => {
    expect(inviteStage({ user, token, refusal })).toBe(want);
  });

  it('links to the page on the origin of the app', () => {
    expect(inviteURL('https://app.mirante.example/', TOKEN)).toBe(`https://app.mirante.example/invite/${TOKEN}`);
    expect(inviteURL('http://127.0.0.1:5173', TOKEN)).toBe(`http://127.0.0.1:5173/invite/${TOKEN}`);
  });

  it('knows a token by its shape only', () => {
    expect(isInviteToken(TOKEN)).toBe(true);
    expect(isInviteToken(TOKEN.slice(1))).toBe(false);
    expect(isInviteToken(`${TOKEN.slice(1)}=`)).toBe(false);
    expect(isInviteToken(`${TOKEN.slice(1)}/`)).toBe(false);
  });
});

describe('refusalOf', () => {
  it("takes the problem's reason first", () => {
    expect(refusalOf(new ApiError(403, { detail: 'x', reason: 'unverified' } as never))).toBe('unverified');
    expect(refusalOf(new ApiError(403, { detail: 'x', reason: 'email_mismatch' } as never))).toBe('email_mismatch');
    expect(refusalOf(new ApiError(410, { reason: 'revoked' } as never))).toBe('revoked');
  });
  it('falls back on the status, and leaves what may pass on a retry', () => {
    expect(refusalOf(new ApiError(404, {}))).toBe('not_found');
    expect(refusalOf(new ApiError(400, {}))).toBe('invalid');
    expect(refusalOf(new ApiError(410, {}))).toBe('expired');
    expect(refusalOf(new ApiError(409, {}))).toBe('already_member');
    expect(refusalOf(new ApiError(403, { reason: 'something-new' } as never))).toBe('email_mismatch');
    expect(refusalOf(new ApiError(503, {}))).toBeNull();
    expect(refusalOf(new ApiError(429, {}))).toBeNull();
    expect(refusalOf(new TypeError('Failed to fetch'))).toBeNull();
  });
  it('offers another account only where one could help', () => {
    expect(otherAccountHelps('email_mismatch')).toBe(true);
    expect(otherAccountHelps('used')).toBe(false);
    expect(otherAccountHelps('revoked')).toBe(false);
  });
});

const noop = () => undefined;

function render(over: Partial<InviteViewProps>): string {
  const props: InviteViewProps = {
    stage: 'signedOut',
    refusal: null,
    mode: 'signup',
    onMode: noop,
    form: { email: '', password: '', confirm: '' },
    onForm: noop,
    fieldErrors: {},
    onSubmit: noop,
    onReset: noop,
    notice: null,
    busy: false,
    onSendVerification: noop,
    onCheckVerified: noop,
    onAccept: noop,
    onSignOut: noop,
    homeHref: '/?lang=en',
    ...over,
  };
  return renderToStaticMarkup(createElement(MemoryRouter, { initialEntries: [`/invite/${TOKEN}`] }, createElement(InviteView, props)));
}

describe('InviteView', () => {
  beforeAll(async () => {
    await i18n.changeLanguage('en');
  });

  it('while the session is restored, only waits', () => {
    const html = render({ stage: 'loading' });
    expect(html).toContain('Loading…');
    expect(html).not.toContain('<form');
  });

  it('signed out: creates the account with a repeated password, or signs in and offers a reset', () => {
    const signup = render({ stage: 'signedOut', mode: 'signup', fieldErrors: { confirm: 'The two passwords differ.' } });
    expect(signup).toContain('only that address can accept it');
    expect(signup).toContain('Repeat the password');
    expect(signup).toContain('>Create account<');
    expect(signup).toContain('autoComplete="new-password"');
    expect(signup).toContain('The two passwords differ.');
    expect(signup).not.toContain('Send me a link');

    const signin = render({ stage: 'signedOut', mode: 'signin', notice: { tone: 'error', text: 'Wrong e-mail or password.' } });
    expect(signin).not.toContain('Repeat the password');
    expect(signin).toContain('>Sign in<');
    expect(signin).toContain('Send me a link to set it');
    expect(signin).toContain('role="alert"');
    expect(signin).toContain('Wrong e-mail or password.');
  });

  it('unverified: says which address to verify and offers to send the link again', () => {
    const html = render({ stage: 'unverified', email: 'nova@acme.example' });
    expect(html).toContain('Verify your e-mail address');
    expect(html).toContain('nova@acme.example');
    expect(html).toContain('Send the link again');
    expect(html).toContain('I have verified it');
    expect(html).not.toContain('Accept the invitation');
  });

  it('verified: accepts, as the signed-in address', () => {
    const html = render({ stage: 'ready', email: 'nova@acme.example' });
    expect(html).toContain('Signed in as nova@acme.example');
    expect(html).toContain('Accept the invitation');
    expect(render({ stage: 'ready', email: 'nova@acme.example', busy: true })).toContain('Joining…');
  });

  it('refused: says why and what to do, and offers another account only when it helps', () => {
    const mismatch = render({ stage: 'refused', refusal: 'email_mismatch', email: 'outra@acme.example' });
    expect(mismatch).toContain('role="alert"');
    expect(mismatch).toContain('for another e-mail address');
    expect(mismatch).toContain('outra@acme.example');
    expect(mismatch).toContain('Use another account');

    const used = render({ stage: 'refused', refusal: 'used', email: 'nova@acme.example' });
    expect(used).toContain('already been used');
    expect(used).not.toContain('Use another account');
    expect(used).toContain('href="/?lang=en"');

    expect(render({ stage: 'refused', refusal: 'expired' })).toContain('has expired');
    expect(render({ stage: 'refused', refusal: 'revoked' })).toContain('was withdrawn');
    expect(render({ stage: 'refused', refusal: 'invalid' })).toContain('not valid');
  });

  it('speaks Portuguese too', async () => {
    await i18n.changeLanguage('pt-BR');
    try {
      expect(render({ stage: 'unverified', email: 'nova@acme.example' })).toContain('Verifique seu endereço de e-mail');
      expect(render({ stage: 'refused', refusal: 'expired' })).toContain('Este convite expirou');
    } finally {
      await i18n.changeLanguage('en');
    }
  });
});
