import { expect, html, oneEvent } from '@open-wc/testing';
import '../dist/define.js';
import type { SlmErrorEvent, SlmFillElement, SlmFillEvent } from '../dist/index.js';
import { boxesInSharedProvider, failOnLitDevWarnings, until } from './helpers.js';

/** Every control type the issue lists, all required (so the model must fill each), and controls never to touch. */
const FORM = html`
  <form id="profile">
    <label>Name <input name="name" required maxlength="20" /></label>
    <label>Email <input type="email" name="email" required /></label>
    <label>Phone <input type="tel" name="phone" required /></label>
    <label>Website <input type="url" name="site" required /></label>
    <label>Age <input type="number" name="age" min="18" max="99" required /></label>
    <label>Rating <input type="number" name="rating" min="0" max="5" step="0.5" required /></label>
    <label>Volume <input type="range" name="volume" min="0" max="10" /></label>
    <label>Birthday <input type="date" name="birthday" min="1900-01-01" max="2030-12-31" required /></label>
    <label>Code <input name="code" pattern="[A-Z]{3}-[0-9]{2}" required /></label>
    <label><input type="checkbox" name="newsletter" /> Newsletter</label>
    <fieldset>
      <legend>Contact by</legend>
      <label><input type="radio" name="contact" value="email" required /> Email</label>
      <label><input type="radio" name="contact" value="phone" /> Phone</label>
    </fieldset>
    <label>Country <select name="country" required><option value="">Choose…</option><option value="fr">France</option><option value="de">Germany</option></select></label>
    <label>Notes <textarea name="notes" maxlength="40" minlength="2" required></textarea></label>
    <fieldset>
      <legend>Topics</legend>
      <label><input type="checkbox" name="topics" value="news" /> News</label>
      <label><input type="checkbox" name="topics" value="sport" /> Sport</label>
    </fieldset>
    <input type="password" name="password" />
    <input type="file" name="upload" />
    <input type="hidden" name="token" value="secret" />
    <label>Locked <input name="locked" disabled /></label>
    <label>Fixed <input name="fixed" readonly /></label>
    <label>Nickname <input name="nickname" /></label>
  </form>
`;

/** Every control's state, for before/after comparisons. */
function state(form: HTMLFormElement) {
  return [...form.elements].map((element) => {
    const control = element as HTMLInputElement;
    return { name: control.name, value: control.value, checked: control.checked ?? false };
  });
}

describe('<slm-fill> on the real tiny model (wasm)', () => {
  failOnLitDevWarnings();

  // One provider for the file (these tests are about fills, not loading); each test renders its
  // form and `<slm-fill>` into a box of its own inside it.
  const mount = boxesInSharedProvider();

  async function setup(attributes: { overwrite?: boolean } = {}) {
    const root = await mount(html`${FORM}<slm-fill for="profile" max-new-tokens="1200" ?overwrite=${attributes.overwrite ?? false}></slm-fill>`);
    const form = root.querySelector('form')!;
    const fill = root.querySelector<SlmFillElement>('slm-fill')!;
    return { root, form, fill };
  }

  it('fills every control type with valid values, with input and change events, and never touches the others', async () => {
    const { form, fill } = await setup();
    // A value the user typed is theirs.
    const nickname = form.elements.namedItem('nickname') as HTMLInputElement;
    nickname.value = 'Kiki';
    const events: string[] = [];
    form.addEventListener('input', (event) => events.push(`input:${(event.target as HTMLInputElement).name}`));
    form.addEventListener('change', (event) => events.push(`change:${(event.target as HTMLInputElement).name}`));
    const filled = oneEvent(fill, 'slm-fill') as Promise<SlmFillEvent>;

    const values = await fill.fill('Marie Curie, marie@example.org, born 7 November 1867, +33 1 23 45 67, https://curie.fr');

    expect((await filled).detail.values).to.deep.equal(values);
    for (const name of ['name', 'email', 'phone', 'site', 'age', 'rating', 'birthday', 'code', 'contact', 'country', 'notes']) {
      expect(values, name).to.have.property(name);
    }
    for (const element of [...form.elements] as HTMLInputElement[]) {
      if (!(element.name in values)) continue;
      expect(element.checkValidity(), `${element.name} = ${element.value}: ${element.validationMessage}`).to.equal(true);
      if (element.type !== 'radio' && element.type !== 'checkbox') {
        expect(element.hasAttribute('data-slm-filled'), element.name).to.equal(true);
        expect(events).to.include.members([`input:${element.name}`, `change:${element.name}`]);
      }
    }
    // What the form holds is what was reported.
    const data = new FormData(form);
    expect(data.get('name')).to.equal(values.name);
    expect(Number(data.get('age'))).to.equal(values.age);
    expect(data.get('country')).to.be.oneOf(['fr', 'de']);
    expect(data.get('contact')).to.equal(values.contact);
    expect(Number(data.get('rating')) % 0.5).to.equal(0);
    // Untouchable: password, file, hidden, disabled, read-only, and what the user typed.
    expect((form.elements.namedItem('password') as HTMLInputElement).value).to.equal('');
    expect((form.elements.namedItem('token') as HTMLInputElement).value).to.equal('secret');
    expect((form.elements.namedItem('locked') as HTMLInputElement).value).to.equal('');
    expect((form.elements.namedItem('fixed') as HTMLInputElement).value).to.equal('');
    expect(nickname.value).to.equal('Kiki');
    for (const name of ['password', 'upload', 'token', 'locked', 'fixed', 'nickname']) expect(values).not.to.have.property(name);

    // It shows what it filled, and is accessible in that state.
    await fill.updateComplete;
    const summary = fill.shadowRoot!.querySelector('[part="summary"]')!;
    expect(summary.querySelectorAll('li').length).to.equal(Object.keys(values).length);
    expect(summary.textContent).to.contain('Email');
    expect(fill.shadowRoot!.querySelector('[part="status"]')!.textContent).to.equal(`Filled ${Object.keys(values).length} fields.`);
    await expect(fill).to.be.accessible();
  });

  it('undoes the whole fill in one step', async () => {
    const { form, fill } = await setup();
    const before = state(form);
    await fill.fill('Ada Lovelace, ada@example.org');
    expect(state(form)).not.to.deep.equal(before);
    await fill.updateComplete;
    const changes: string[] = [];
    form.addEventListener('change', (event) => changes.push((event.target as HTMLInputElement).name));
    fill.shadowRoot!.querySelector<HTMLButtonElement>('[part="undo-button"]')!.click();
    expect(state(form)).to.deep.equal(before);
    expect(changes.length).to.be.greaterThan(0);
    expect(form.querySelectorAll('[data-slm-filled]').length).to.equal(0);
    expect(fill.undo()).to.equal(false);
    await fill.updateComplete;
    expect(fill.shadowRoot!.querySelector<HTMLButtonElement>('[part="undo-button"]')!.hidden).to.equal(true);
    expect(fill.shadowRoot!.querySelector('[part="status"]')!.textContent).to.equal('The fill was undone.');
  });

  it('replaces values the user gave only with overwrite', async () => {
    const { form, fill } = await setup({ overwrite: true });
    const name = form.elements.namedItem('name') as HTMLInputElement;
    name.value = 'Typed by hand';
    const values = await fill.fill('Someone else');
    expect(values).to.have.property('name');
    expect(name.value).to.equal(values.name);
  });

  it('fills from its own field and Fill button', async () => {
    const { fill } = await setup();
    const input = fill.shadowRoot!.querySelector<HTMLTextAreaElement>('[part="input"]')!;
    input.value = 'Grace Hopper';
    input.dispatchEvent(new InputEvent('input', { bubbles: true }));
    await fill.updateComplete;
    const filled = oneEvent(fill, 'slm-fill') as Promise<SlmFillEvent>;
    fill.shadowRoot!.querySelector<HTMLButtonElement>('[part="fill-button"]')!.click();
    expect(Object.keys((await filled).detail.values).length).to.be.greaterThan(0);
  });

  it('fills a React controlled form: React state follows, and keeps the values on its next render', async () => {
    const { mountReactForm } = (await import(/* @vite-ignore */ '/__react-form.js' as string)) as {
      mountReactForm: (container: HTMLElement) => { values: Record<string, unknown> | null; renders: number };
    };
    const root = await mount(html`<div id="react-root"></div><slm-fill for="react-form" max-new-tokens="400"></slm-fill>`);
    const state = mountReactForm(root.querySelector<HTMLElement>('#react-root')!);
    await until(() => root.querySelector('#react-form') !== null, 5000, 'React to render');
    const fill = root.querySelector<SlmFillElement>('slm-fill')!;
    const values = await fill.fill('Jo, jo@example.org, small team, the pro plan, happy to agree');
    const rendersAfterFill = state.renders;
    // React re-rendered with the new state (a value set behind its back would be put back here).
    await until(() => state.values!.name === values.name, 5000, "React's state to follow");
    expect(state.values).to.include({ name: values.name, email: values.email, size: values.size, plan: values.plan });
    if ('agree' in values) expect(state.values!.agree).to.equal(values.agree);
    expect(rendersAfterFill).to.be.greaterThan(1);
    const form = root.querySelector<HTMLFormElement>('#react-form')!;
    expect((form.elements.namedItem('name') as HTMLInputElement).value).to.equal(values.name);
    expect(form.checkValidity()).to.equal(true);
    // Undo reaches React too (all but emptying a radio group: no DOM event unchecks a radio).
    fill.undo();
    await until(() => state.values!.name === '', 5000, "React's state to be undone");
    expect(state.values).to.include({ name: '', email: '', size: '' });
  });

  it('reports a missing form', async () => {
    const root = await mount(html`<slm-fill for="nowhere"></slm-fill>`);
    const fill = root.querySelector<SlmFillElement>('slm-fill')!;
    const error = oneEvent(fill, 'slm-error') as Promise<SlmErrorEvent>;
    expect(await fill.fill('text')).to.deep.equal({});
    const { detail } = await error;
    expect(detail).to.deep.equal({ code: 'invalid-option', message: 'No form with id "nowhere" was found.' });
  });
});
