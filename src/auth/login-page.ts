function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface LoginPageParams {
  response_type: string;
  client_id: string;
  redirect_uri?: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  appName: string;
  error?: string;
  email?: string;
}

/** The small sign-in form of `GET /oauth/authorize`. */
export function loginPage(p: LoginPageParams): string {
  const hidden = (['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method'] as const)
    .filter((k) => p[k] !== undefined)
    .map((k) => `<input type="hidden" name="${k}" value="${esc(String(p[k]))}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · sitesim</title>
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}
input[type=email],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}
.error{color:#b00020;background:#fdecea;padding:.6rem;border-radius:4px}</style></head>
<body><h1>Sign in</h1><p><strong>${esc(p.appName)}</strong> asks to act on your behalf.</p>
${p.error ? `<p class="error" role="alert">${esc(p.error)}</p>` : ''}
<form method="post" action="/oauth/authorize">${hidden}
<label for="email">Email</label><input id="email" type="email" name="email" autocomplete="username" required value="${esc(p.email ?? '')}"${p.email ? '' : ' autofocus'}>
<label for="password">Password</label><input id="password" type="password" name="password" autocomplete="current-password" required${p.email ? ' autofocus' : ''}>
<button type="submit">Sign in and allow</button></form></body></html>`;
}

export function errorPage(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cannot sign in · sitesim</title></head>
<body style="font-family:system-ui,sans-serif;max-width:30rem;margin:4rem auto"><h1>Cannot continue</h1><p>${esc(message)}</p></body></html>`;
}
