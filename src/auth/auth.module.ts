import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OAuthApp } from './entities/oauth-app.entity';
import { OAuthCode } from './entities/oauth-code.entity';
import { OAuthToken } from './entities/oauth-token.entity';
import { AccountLockedCause, AuthCauses, SessionExpiredCause } from './auth.causes';
import { AppsController } from './apps.controller';
import { AppsService } from './apps.service';
import { LoginService } from './login.service';
import { MeController } from './me.controller';
import { OAuthController } from './oauth.controller';
import { OAuthService } from './oauth.service';
import { TokenAuthService } from './token-auth.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OAuthApp, OAuthCode, OAuthToken])],
  providers: [TokenAuthService, LoginService, OAuthService, AppsService, AccountLockedCause, SessionExpiredCause, AuthCauses],
  controllers: [OAuthController, MeController, AppsController],
  exports: [TokenAuthService],
})
export class AuthModule {}
