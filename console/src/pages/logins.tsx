import { Link } from '../router';
import { trainer } from '../session';
import { classApi } from '../trainer-api';
import { ErrorBox, Loading, Page, useLoad } from '../ui';
import type { ViewProps } from '../routes';
import { signInUrl } from './class';

/** One printable page per trainee: where to sign in and every persona's login. */
export function LoginsPage({ params }: ViewProps) {
  const kept = trainer.classOf(params.id);
  const sheet = useLoad(() => (kept ? classApi(kept).logins() : Promise.reject(new Error('This tab does not hold the class token of this class.'))), [params.id]);
  if (sheet.loading) return <Loading what="the login sheet" />;
  if (sheet.error || !sheet.data) return <Page title="Login sheet"><ErrorBox error={sheet.error} /></Page>;
  const s = sheet.data;
  return (
    <Page title={`Login sheet: ${s.name}`}>
      <div class="actions no-print">
        <button type="button" onClick={() => print()}>
          Print
        </button>
        <Link to={`/trainer/classes/${s.id}`} class="button secondary">
          Back to the class
        </Link>
      </div>
      {s.trainees.map((t) => (
        <section class="sheet-trainee" key={t.trainee} aria-labelledby={`sheet-${t.trainee}`}>
          <h2 id={`sheet-${t.trainee}`}>Trainee {t.trainee}</h2>
          <p>
            Sign in at <strong>{signInUrl(t.client_id)}</strong> with one of these logins (sandbox #{t.sandbox_id}).
          </p>
          <div class="table-wrap">
            <table>
              <caption>Personas of trainee {t.trainee}'s sandbox</caption>
              <thead>
                <tr>
                  <th scope="col">Persona</th>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Password</th>
                  <th scope="col">Template</th>
                </tr>
              </thead>
              <tbody>
                {t.personas.map((p) => (
                  <tr key={p.key}>
                    <td>{p.key}</td>
                    <td>{p.name}</td>
                    <td>{p.email}</td>
                    <td>
                      <code>{p.password}</code>
                    </td>
                    <td>{p.template}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </Page>
  );
}
