import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { Authenticated, Public } from '../permissions/route-access';
import { AuthorizeFormDto, RevokeRequestDto, TokenRequestDto } from './dto/token-request.dto';
import { errorPage, loginPage } from './login-page';
import { SandboxClock } from '../sandboxes/sandbox-clock';
import { OAuthService, TokenAnswer } from './oauth.service';
import { Doc } from '../common/openapi/doc.decorator';
import { Enum, Str } from '../common/openapi/schema';
import { AuthorizeForm, Empty, RevokeRequest, TokenAnswer as TokenAnswerSchema, TokenInfo, TokenRequest } from './auth.schemas';

const FORM = ['application/json', 'application/x-www-form-urlencoded'];

@ApiTags('OAuth')
@Controller('oauth')
export class OAuthController {
  private readonly publicOrigin: string | null;

  constructor(
    private readonly oauth: OAuthService,
    private readonly clock: SandboxClock,
    config: AppConfig,
  ) {
    this.publicOrigin = config.publicUrl ? new URL(config.publicUrl).origin : null;
  }

  @Get('authorize')
  @Public('the OAuth sign-in form')
  @Doc({
    summary: 'Show the OAuth sign-in form',
    description: 'A small HTML form where a persona signs in (email and password) for an app; its submission redirects to the registered `redirect_uri`. A registered path (the training app\'s `/console/callback`) stands for that path on the address the server was reached by. With `code_challenge` (PKCE, S256) the code is exchanged with its `code_verifier` instead of the client secret.',
    query: {
      response_type: { schema: Enum(['code', 'token']), required: true, description: '`code` (authorization-code flow) or `token` (implicit flow)' },
      client_id: { schema: Str({ maxLength: 128 }), required: true, description: "The app's client_id" },
      redirect_uri: { schema: Str({ maxLength: 2048 }), description: 'One of the app’s registered redirect URIs (default: its first)' },
      state: { schema: Str({ maxLength: 512 }), description: 'Echoed on the redirect' },
      code_challenge: { schema: Str({ maxLength: 128 }), description: 'PKCE (RFC 7636): base64url(SHA-256(code_verifier)); the code is then exchanged with that verifier, without the client_secret' },
      code_challenge_method: { schema: Enum(['S256']), description: 'PKCE: `S256` (plain is not accepted)' },
      login_hint: { schema: Str({ maxLength: 255 }), description: 'An email to fill in on the form' },
    },
    ok: { description: 'The sign-in form', media: 'text/html' },
    also: [{ status: 400, description: 'An HTML page naming what is wrong (unknown client, unregistered redirect_uri, bad response_type); nothing is redirected', media: 'text/html' }],
  })
  async authorizeForm(@Req() req: FastifyRequest, @Query() query: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const str = (k: string): string | undefined => (typeof query[k] === 'string' ? (query[k] as string) : undefined);
    const responseType = str('response_type');
    try {
      if (responseType !== 'code' && responseType !== 'token') {
        throw new AppError('invalid_request', 'response_type must be code or token.');
      }
      const app = await this.oauth.findApp(str('client_id'));
      this.oauth.redirectFor(app, str('redirect_uri'), this.origins(req));
      const challenge = responseType === 'code' ? this.oauth.checkChallenge(str('code_challenge'), str('code_challenge_method')) : null;
      void reply.type('text/html; charset=utf-8').send(
        loginPage({
          response_type: responseType,
          client_id: app.clientId,
          redirect_uri: str('redirect_uri'),
          state: str('state'),
          ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
          email: str('login_hint')?.slice(0, 255),
          appName: app.name,
        }),
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      void reply.status(400).type('text/html; charset=utf-8').send(errorPage(err.message));
    }
  }

  @Post('authorize')
  @Public('the OAuth sign-in form submission')
  @Doc({
    summary: 'Submit the OAuth sign-in form',
    description: 'Signs the persona in for the app and redirects to the `redirect_uri` with `code` (and `state`) in the query, or for `token` the access token in the fragment. A wrong password answers the form again with the error.',
    body: { schema: AuthorizeForm, media: ['application/x-www-form-urlencoded'] },
    ok: { status: 302, description: 'Redirect to the app', headers: { Location: { description: 'The redirect_uri with code and state, or with the token in the fragment' } } },
    also: [
      { status: 400, description: 'An HTML page naming what is wrong with the client or redirect_uri', media: 'text/html' },
      { status: 401, description: 'The form again, with the error (wrong email or password)', media: 'text/html' },
      { status: 423, description: 'The form again: the account is locked', media: 'text/html' },
    ],
  })
  async authorize(@Req() req: FastifyRequest, @Body() form: AuthorizeFormDto, @Res() reply: FastifyReply): Promise<void> {
    let app;
    let redirect: string;
    let challenge: string | null;
    try {
      app = await this.oauth.findApp(form.client_id);
      redirect = this.oauth.redirectFor(app, form.redirect_uri, this.origins(req));
      challenge = form.response_type === 'code' ? this.oauth.checkChallenge(form.code_challenge, form.code_challenge_method) : null;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      void reply.status(400).type('text/html; charset=utf-8').send(errorPage(err.message));
      return;
    }
    try {
      const user = await this.oauth.verifyForApp(app, form.email, form.password);
      const target = new URL(redirect);
      if (form.response_type === 'code') {
        target.searchParams.set('code', await this.oauth.issueCode(app, user, redirect, challenge));
        if (form.state) target.searchParams.set('state', form.state);
      } else {
        const token = await this.oauth.tokensFor(user, app);
        const fragment = new URLSearchParams({
          access_token: token.access_token,
          token_type: token.token_type,
          expires_in: String(token.expires_in),
          ...(form.state ? { state: form.state } : {}),
        });
        target.hash = fragment.toString();
      }
      void reply.status(302).header('Location', target.toString()).send();
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      void reply
        .status(err.status)
        .type('text/html; charset=utf-8')
        .send(loginPage({ ...form, appName: app.name, error: err.message }));
    }
  }

  @Post('token')
  @HttpCode(200)
  // RFC 6749 §5.1: answers that carry tokens must not be cached
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @Public('the OAuth token endpoint authenticates its callers itself')
  @Doc({
    summary: 'Get an access token (any grant)',
    description:
      'RFC 6749 token endpoint, JSON or form body: `password`, `authorization_code`, `client_credentials` (service accounts) and `refresh_token` (rotated on use; the new pair belongs to the client that refreshed). Answers carry `Cache-Control: no-store`.',
    body: { schema: TokenRequest, media: FORM },
    ok: { status: 200, description: 'A Bearer token pair', schema: TokenAnswerSchema, headers: { 'Cache-Control': { description: '`no-store`' }, Pragma: { description: '`no-cache`' } } },
    errors: ['invalid_credentials', 'account_locked', 'account_inactive'],
  })
  async token(@Body() body: TokenRequestDto): Promise<TokenAnswer> {
    switch (body.grant_type) {
      case 'password':
        return this.oauth.passwordGrant(body.username, body.password, body.client_id, body.client_secret);
      case 'authorization_code': {
        // PKCE: a client without a secret (the console in a browser) proves itself with the code_verifier instead.
        const viaVerifier = body.client_secret === undefined && body.code_verifier !== undefined;
        const app = viaVerifier ? await this.oauth.findApp(body.client_id) : await this.oauth.authenticateClient(body.client_id, body.client_secret);
        return this.oauth.codeGrant(body.code, app, body.redirect_uri, body.code_verifier, viaVerifier);
      }
      case 'client_credentials':
        return this.oauth.clientCredentialsGrant(await this.oauth.authenticateClient(body.client_id, body.client_secret));
      case 'refresh_token':
        return this.oauth.refreshGrant(body.refresh_token, body.client_id, body.client_secret);
    }
  }

  /**
   * The address a path-only redirect URI stands for: SIM_PUBLIC_URL when set (and
   * then only it: a Host header that names any other name pointed at the server
   * is not an origin of it), else the request's own Host.
   */
  private origins(req: FastifyRequest): string[] {
    if (this.publicOrigin) return [this.publicOrigin];
    const own = URL.canParse(`${req.protocol}://${req.host}`) ? new URL(`${req.protocol}://${req.host}`).origin : '';
    return [own];
  }

  @Get('token/info')
  @Authenticated()
  @Doc({ summary: 'Describe the access token in use', ok: { description: 'Who the token acts for, its app and how long it lives', schema: TokenInfo } })
  async info(@Req() request: FastifyRequest): Promise<Record<string, unknown>> {
    const auth = request.auth!;
    const now = await this.clock.now(auth.companyId, auth.epoch);
    return {
      resource_owner_id: auth.userId,
      scope: [],
      expires_in_seconds: Math.max(0, Math.floor((auth.expiresAt.getTime() - now.getTime()) / 1000)),
      application: auth.appId ? { uid: auth.appClientId } : null,
      created_at: auth.tokenCreatedAt,
    };
  }

  @Post('revoke')
  @HttpCode(200)
  @Public('RFC 7009 revocation: holding the token is the proof')
  @Doc({
    summary: 'Revoke an access or refresh token',
    description: 'RFC 7009: revoking one of a pair ends both; an unknown token is not an error. With client credentials, a client may revoke only its own tokens.',
    body: { schema: RevokeRequest, media: FORM },
    ok: { status: 200, description: '`{}`; the token stops working on the next request', schema: Empty },
    errors: ['invalid_credentials'],
  })
  async revoke(@Body() body: RevokeRequestDto): Promise<Record<string, never>> {
    const app = body.client_id || body.client_secret ? await this.oauth.authenticateClient(body.client_id, body.client_secret) : null;
    await this.oauth.revoke(body.token, app);
    return {};
  }
}
