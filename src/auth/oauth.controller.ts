import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../common/errors';
import { Authenticated, Public } from '../permissions/route-access';
import { AuthorizeFormDto, RevokeRequestDto, TokenRequestDto } from './dto/token-request.dto';
import { errorPage, loginPage } from './login-page';
import { OAuthService, TokenAnswer } from './oauth.service';

@ApiTags('OAuth')
@Controller('oauth')
export class OAuthController {
  constructor(private readonly oauth: OAuthService) {}

  @Get('authorize')
  @Public('the OAuth sign-in form')
  async authorizeForm(@Query() query: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const str = (k: string): string | undefined => (typeof query[k] === 'string' ? (query[k] as string) : undefined);
    const responseType = str('response_type');
    try {
      if (responseType !== 'code' && responseType !== 'token') {
        throw new AppError('invalid_request', 'response_type must be code or token.');
      }
      const app = await this.oauth.findApp(str('client_id'));
      this.oauth.redirectFor(app, str('redirect_uri'));
      void reply.type('text/html; charset=utf-8').send(
        loginPage({
          response_type: responseType,
          client_id: app.clientId,
          redirect_uri: str('redirect_uri'),
          state: str('state'),
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
  @ApiExcludeEndpoint()
  async authorize(@Body() form: AuthorizeFormDto, @Res() reply: FastifyReply): Promise<void> {
    let app;
    let redirect: string;
    try {
      app = await this.oauth.findApp(form.client_id);
      redirect = this.oauth.redirectFor(app, form.redirect_uri);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      void reply.status(400).type('text/html; charset=utf-8').send(errorPage(err.message));
      return;
    }
    try {
      const user = await this.oauth.verifyForApp(app, form.email, form.password);
      const target = new URL(redirect);
      if (form.response_type === 'code') {
        target.searchParams.set('code', await this.oauth.issueCode(app, user, redirect));
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
  async token(@Body() body: TokenRequestDto): Promise<TokenAnswer> {
    switch (body.grant_type) {
      case 'password':
        return this.oauth.passwordGrant(body.username, body.password, body.client_id, body.client_secret);
      case 'authorization_code': {
        const app = await this.oauth.authenticateClient(body.client_id, body.client_secret);
        return this.oauth.codeGrant(body.code, app, body.redirect_uri);
      }
      case 'client_credentials':
        return this.oauth.clientCredentialsGrant(await this.oauth.authenticateClient(body.client_id, body.client_secret));
      case 'refresh_token':
        return this.oauth.refreshGrant(body.refresh_token, body.client_id, body.client_secret);
    }
  }

  @Get('token/info')
  @Authenticated()
  info(@Req() request: FastifyRequest): Record<string, unknown> {
    const auth = request.auth!;
    return {
      resource_owner_id: auth.userId,
      scope: [],
      expires_in_seconds: Math.max(0, Math.floor((auth.expiresAt.getTime() - Date.now()) / 1000)),
      application: auth.appId ? { uid: auth.appClientId } : null,
      created_at: auth.tokenCreatedAt,
    };
  }

  @Post('revoke')
  @HttpCode(200)
  @Public('RFC 7009 revocation: holding the token is the proof')
  async revoke(@Body() body: RevokeRequestDto): Promise<Record<string, never>> {
    const app = body.client_id || body.client_secret ? await this.oauth.authenticateClient(body.client_id, body.client_secret) : null;
    await this.oauth.revoke(body.token, app);
    return {};
  }
}
