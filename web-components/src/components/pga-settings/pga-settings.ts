import { css, html, LitElement, nothing } from 'lit';
import { GatewayController } from '../../controllers/gateway-controller.ts';
import { define } from '../../define.ts';
import { fieldInput, placeFieldError, type FieldInputOptions, type FormFields } from '../../form-errors.ts';
import { sharedStyles } from '../../styles/shared-styles.ts';
import '../pga-retention/pga-retention.ts';
import '../pga-role-grants/pga-role-grants.ts';

interface ConnectionRow {
  name: string;
  driver: string;
  dsn: string;
  secret_ref: string | null;
  description: string | null;
  steps: number;
}
interface OperatorRow {
  name: string;
  email: string;
  enabled: boolean;
}
interface CategoryRow {
  name: string;
  description: string | null;
  jobs: number;
}

const DRIVERS = ['postgres', 'mysql', 'mariadb', 'sqlite', 'mssql'] as const;

const CONNECTION_FIELDS: FormFields = {
  name: { control: 'connection_name', label: 'Name' },
  driver: { control: 'driver', label: 'Driver' },
  dsn: { control: 'dsn', label: 'DSN' },
  secret_ref: { control: 'secret_ref', label: 'Secret reference' },
};
const OPERATOR_FIELDS: FormFields = {
  name: { control: 'operator_name', label: 'Name' },
  email: { control: 'operator_email', label: 'Mail address' },
};
const CATEGORY_FIELDS: FormFields = {
  name: { control: 'category_name', label: 'Name' },
  new_name: { control: 'category_new_name', label: 'New name' },
};

/**
 * The objects jobs refer to, which a DBA sets up before the first job: SQL connections (named
 * targets of SQL steps; the secret is a reference the agent resolves on its host, never a
 * password), operators (mail recipients) and categories (rename, delete); then history retention
 * (pga-retention) and, for admins, who has access (pga-role-grants). Admins change them; everyone
 * else reads them.
 *
 * @attr gateway-url - the gateway ('' = this page's origin)
 * @csspart connections - the connections section
 * @csspart operators - the operators section
 * @csspart categories - the categories section
 */
export class PgaSettings extends LitElement {
  static override properties = {
    gatewayUrl: { type: String, attribute: 'gateway-url' },
    connections: { state: true },
    operators: { state: true },
    categories: { state: true },
    notice: { state: true },
    fieldErrors: { state: true },
    renaming: { state: true },
  };
  declare gatewayUrl: string;
  declare connections: ConnectionRow[];
  declare operators: OperatorRow[];
  declare categories: CategoryRow[];
  declare notice: string;
  declare fieldErrors: Record<string, string>;
  /** The category whose rename form is open. */
  declare renaming: string;

  static override styles = [
    sharedStyles,
    css`
      section.card, pga-retention, pga-role-grants { margin-bottom: 14px; }
      td { overflow-wrap: anywhere; }
      td.actions { white-space: nowrap; }
      .field { display: flex; flex-direction: column; gap: 2px; min-width: 0; }
      form.row input, form.row select { min-width: 0; }
      @media (max-width: 700px) {
        thead { display: none; }
        table, tbody, tr, td { display: block; width: 100%; }
        tr { border-bottom: 2px solid var(--_line); }
        td { border: none; padding: 2px 4px; }
      }
    `,
  ];

  private readonly gateway = new GatewayController(this, { onReady: () => void this.load() });

  constructor() {
    super();
    this.gatewayUrl = '';
    this.connections = [];
    this.operators = [];
    this.categories = [];
    this.notice = '';
    this.fieldErrors = {};
    this.renaming = '';
  }

  async load(): Promise<void> {
    const [connections, operators, categories] = await Promise.all([
      this.gateway.run((c) => c.read<ConnectionRow[]>('list_connections')),
      this.gateway.run((c) => c.read<OperatorRow[]>('list_operators')),
      this.gateway.run((c) => c.read<CategoryRow[]>('list_categories')),
    ]);
    if (connections) this.connections = connections;
    if (operators) this.operators = operators;
    if (categories) this.categories = categories;
  }

  /** Runs one change; its error goes under the field the database names, else in the banner. */
  private async act(what: string, work: () => Promise<unknown>, fields: FormFields, form?: HTMLFormElement): Promise<boolean> {
    this.gateway.clearError();
    this.notice = '';
    this.fieldErrors = {};
    const done = await this.gateway.run(async () => {
      await work();
      return true;
    });
    if (!done) {
      await placeFieldError(this, this.gateway, fields);
      return false;
    }
    form?.reset();
    await this.load();
    this.notice = what;
    return true;
  }

  private input(name: string, label: string, extra: FieldInputOptions = {}) {
    return fieldInput(this.fieldErrors, name, label, extra);
  }

  private addConnection(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const f = new FormData(form);
    const name = String(f.get('connection_name') ?? '').trim();
    void this.act(
      `Created connection “${name}”.`,
      () => this.gateway.client.call('create_connection', { name, driver: f.get('driver'), dsn: String(f.get('dsn') ?? ''), secret_ref: String(f.get('secret_ref') ?? '') || undefined, description: String(f.get('connection_description') ?? '') || undefined }),
      CONNECTION_FIELDS,
      form,
    );
  }

  private addOperator(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const f = new FormData(form);
    const name = String(f.get('operator_name') ?? '').trim();
    void this.act(`Created operator “${name}”.`, () => this.gateway.client.call('create_operator', { name, email: String(f.get('operator_email') ?? '').trim() }), OPERATOR_FIELDS, form);
  }

  private addCategory(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const name = String(new FormData(form).get('category_name') ?? '').trim();
    void this.act(`Created category “${name}”.`, () => this.gateway.client.call('create_category', { name }), CATEGORY_FIELDS, form);
  }

  private async renameCategory(event: SubmitEvent, name: string): Promise<void> {
    event.preventDefault();
    const newName = String(new FormData(event.target as HTMLFormElement).get('category_new_name') ?? '').trim();
    if (await this.act(`Renamed category “${name}” to “${newName}”.`, () => this.gateway.client.call('rename_category', { name, new_name: newName }), CATEGORY_FIELDS)) this.renaming = '';
  }

  private deleteObject(kind: 'connection' | 'operator' | 'category', name: string, consequence: string): void {
    if (!confirm(`Delete ${kind} “${name}”?${consequence ? ` ${consequence}` : ''}`)) return;
    void this.act(`Deleted ${kind} “${name}”.`, () => this.gateway.client.call(`delete_${kind}`, { name }), {});
  }

  override render() {
    if (this.gateway.anonymous) return this.gateway.renderLogin();
    const admin = this.gateway.can('pgautomator_admin');
    return html`<h2>Settings</h2>
      ${this.gateway.error ? html`<div class="banner" role="alert">${this.gateway.error.message}</div>` : nothing}
      ${this.notice ? html`<div class="banner info" role="status">${this.notice}</div>` : nothing}
      ${admin ? nothing : html`<div class="banner info">Read only: changing these needs pgautomator_admin.</div>`}
      <section class="card" part="connections" aria-labelledby="h-connections">
        <h3 id="h-connections">SQL connections</h3>
        <p class="muted">Targets of SQL steps. The secret is a reference (env:NAME or file:/path) that the agent resolves on its own host; no password is stored in the database.</p>
        <table aria-label="Connections">
          <thead><tr><th>Name</th><th>Driver</th><th>DSN</th><th>Secret reference</th><th>Used by</th>${admin ? html`<th>Actions</th>` : nothing}</tr></thead>
          <tbody>
            ${this.connections.length === 0 ? html`<tr><td colspan="6" class="muted">No connection yet.</td></tr>` : nothing}
            ${this.connections.map(
              (c) => html`<tr data-connection=${c.name}><td><strong>${c.name}</strong>${c.description ? html`<div class="muted">${c.description}</div>` : nothing}</td><td>${c.driver}</td><td><code>${c.dsn}</code></td>
                <td>${c.secret_ref ?? html`<span class="muted">none</span>`}</td><td>${c.steps} step${c.steps === 1 ? '' : 's'}</td>
                ${admin ? html`<td class="actions"><button class="danger" aria-label="Delete connection ${c.name}" @click=${() => this.deleteObject('connection', c.name, c.steps ? `${c.steps} step(s) use it.` : '')}>Delete</button></td>` : nothing}</tr>`,
            )}
          </tbody>
        </table>
        ${admin
          ? html`<form class="row" aria-label="New connection" @submit=${this.addConnection}>
              ${this.input('connection_name', 'Name', { required: true })}
              <label>Driver<select name="driver">${DRIVERS.map((d) => html`<option value=${d}>${d}</option>`)}</select></label>
              ${this.input('dsn', 'DSN', { required: true, placeholder: 'host=db1 dbname=sales user=etl' })}
              ${this.input('secret_ref', 'Secret reference', { placeholder: 'env:SALES_DB_PASSWORD' })}
              ${this.input('connection_description', 'Description')}
              <button class="primary" type="submit">Add connection</button></form>`
          : nothing}
      </section>
      <section class="card" part="operators" aria-labelledby="h-operators">
        <h3 id="h-operators">Operators</h3>
        <p class="muted">People or teams who receive a job's mail: name them in the job's mail settings.</p>
        <table aria-label="Operators">
          <thead><tr><th>Name</th><th>Mail address</th><th>Enabled</th>${admin ? html`<th>Actions</th>` : nothing}</tr></thead>
          <tbody>
            ${this.operators.length === 0 ? html`<tr><td colspan="4" class="muted">No operator yet.</td></tr>` : nothing}
            ${this.operators.map(
              (o) => html`<tr data-operator=${o.name}><td><strong>${o.name}</strong></td><td>${o.email}</td><td>${o.enabled ? 'yes' : 'no'}</td>
                ${admin ? html`<td class="actions"><button class="danger" aria-label="Delete operator ${o.name}" @click=${() => this.deleteObject('operator', o.name, '')}>Delete</button></td>` : nothing}</tr>`,
            )}
          </tbody>
        </table>
        ${admin
          ? html`<form class="row" aria-label="New operator" @submit=${this.addOperator}>
              ${this.input('operator_name', 'Name', { required: true })} ${this.input('operator_email', 'Mail address', { required: true, type: 'email', placeholder: 'dba-team@example.com' })}
              <button class="primary" type="submit">Add operator</button></form>`
          : nothing}
      </section>
      <section class="card" part="categories" aria-labelledby="h-categories">
        <h3 id="h-categories">Categories</h3>
        <table aria-label="Categories">
          <thead><tr><th>Name</th><th>Jobs</th>${admin ? html`<th>Actions</th>` : nothing}</tr></thead>
          <tbody>
            ${this.categories.length === 0 ? html`<tr><td colspan="3" class="muted">No category yet (typing one into a job creates it).</td></tr>` : nothing}
            ${this.categories.map(
              (c) => html`<tr data-category=${c.name}><td>${this.renaming === c.name
                  ? html`<form class="row" aria-label="Rename category ${c.name}" @submit=${(e: SubmitEvent) => this.renameCategory(e, c.name)}>
                      ${this.input('category_new_name', 'New name', { required: true, value: c.name })}<button class="primary" type="submit">Rename</button>
                      <button type="button" @click=${() => (this.renaming = '')}>Cancel</button></form>`
                  : html`<strong>${c.name}</strong>`}</td><td>${c.jobs}</td>
                ${admin
                  ? html`<td class="actions"><button aria-label="Rename category ${c.name}" @click=${() => (this.renaming = c.name)}>Rename</button>
                      <button class="danger" aria-label="Delete category ${c.name}" @click=${() => this.deleteObject('category', c.name, '')}>Delete</button></td>`
                  : nothing}</tr>`,
            )}
          </tbody>
        </table>
        ${admin
          ? html`<form class="row" aria-label="New category" @submit=${this.addCategory}>${this.input('category_name', 'Name', { required: true })}<button class="primary" type="submit">Add category</button></form>`
          : nothing}
      </section>
      <pga-retention gateway-url=${this.gatewayUrl}></pga-retention>
      ${admin ? html`<pga-role-grants gateway-url=${this.gatewayUrl}></pga-role-grants>` : nothing}`;
  }
}
define('pga-settings', PgaSettings);

declare global {
  interface HTMLElementTagNameMap {
    'pga-settings': PgaSettings;
  }
}
