import { AutoTokenizer, env } from '@huggingface/transformers';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../dist/define.js';
import type { ChatMessage, SlmChatElement, SlmErrorEvent, SlmResponseEvent, SlmToolCallEvent } from '../dist/index.js';
import { MODEL_BASE, failOnLitDevWarnings, typeAndSend, until } from './helpers.js';

type Validate = ((value: unknown) => boolean) & { errors?: unknown };
const { validator } = (await import(/* @vite-ignore */ '/__validator.js' as string)) as { validator: (schema: object) => Validate };

const WEATHER = {
  type: 'object',
  properties: {
    city: { type: 'string', maxLength: 10 },
    unit: { enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
  },
  required: ['city', 'unit'],
};
const TIME = { type: 'object', properties: { zone: { enum: ['UTC', 'CET'] } }, required: ['zone'] };

/** A chat on one of the tiny tool models (Qwen 2.5's or Llama 3.1's tokenizer and template). */
async function toolChat(model: 'slm-tiny-qwen' | 'slm-tiny-llama3', attributes = '') {
  const wrapper = await fixture<HTMLElement>(html`<div></div>`);
  // Attributes as markup: the tests below vary them freely.
    // 200 tokens: on a byte-level vocabulary the call's own markup takes about 50.
  wrapper.innerHTML = `<slm-chat model="${model}" model-base-url="${MODEL_BASE}" device="wasm" max-new-tokens="200" temperature="0" ${attributes}></slm-chat>`;
  const chat = wrapper.querySelector('slm-chat')!;
  await chat.updateComplete;
  return chat;
}

/** Every `slm-response` of a turn, until one without tool calls (or an error). */
function collectResponses(chat: SlmChatElement) {
  const responses: SlmResponseEvent['detail'][] = [];
  chat.addEventListener('slm-response', (event) => responses.push(event.detail));
  return responses;
}

/** The prompt a model sees for `messages` with `tools` (its own tokenizer and template). */
async function promptLength(model: string, messages: ChatMessage[], tools: object[]): Promise<number> {
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = MODEL_BASE;
  env.useBrowserCache = false;
  const tokenizer = await AutoTokenizer.from_pretrained(model);
  const text = tokenizer.apply_chat_template(messages as never, { tools, tokenize: false, add_generation_prompt: true } as never) as unknown as string;
  return (tokenizer(text, { add_special_tokens: false }) as unknown as { input_ids: { dims: number[] } }).input_ids.dims[1]!;
}

describe('<slm-chat> tools on tiny models with Qwen-style and Llama-3-style templates', () => {
  failOnLitDevWarnings();
  // Chats without a provider share the page-wide engine of their settings while one of them is on
  // the page: a hidden chat per model keeps that engine (its worker, the loaded model, its compiled
  // grammars) from one test to the next, as a page with several chats would. Each test's chat
  // still has a conversation of its own.
  const keepers: HTMLElement[] = [];
  before(() => {
    for (const model of ['slm-tiny-qwen', 'slm-tiny-llama3']) {
      const keeper = document.createElement('slm-chat');
      for (const [name, value] of Object.entries({ model, 'model-base-url': MODEL_BASE, device: 'wasm' })) keeper.setAttribute(name, value);
      keeper.hidden = true;
      document.body.append(keeper);
      keepers.push(keeper);
    }
  });
  after(() => {
    for (const keeper of keepers.splice(0)) keeper.remove();
  });

  for (const model of ['slm-tiny-qwen', 'slm-tiny-llama3'] as const) {
    it(`${model}: tool-choice="required" calls a declared tool with valid arguments; the result joins the conversation and the next prompt`, async () => {
      const chat = await toolChat(model, 'tool-choice="required" max-tool-rounds="1"');
      const runs: unknown[] = [];
      chat.tools = [
        { name: 'get_weather', description: 'Current weather in a city', parameters: WEATHER, run: (args) => (runs.push(args), { temperature: 21 }) },
        { name: 'get_time', description: 'Current time in a zone', parameters: TIME, run: () => '12:00' },
      ];
      const calls: SlmToolCallEvent['detail'][] = [];
      chat.addEventListener('slm-tool-call', (event) => calls.push(event.detail));
      const responses = collectResponses(chat);
      const reply = await chat.send('What is the weather in Paris?');

      expect(calls.length).to.be.greaterThan(0);
      for (const call of calls) {
        expect(call.name).to.be.oneOf(['get_weather', 'get_time']);
        expect(call.id).to.be.a('string').and.not.equal('');
        const validate = validator(call.name === 'get_weather' ? WEATHER : TIME);
        expect(validate(call.arguments), JSON.stringify(validate.errors)).to.equal(true);
      }
      // Two steps: the call, then (rounds used up) an answer in words.
      expect(responses.length).to.equal(2);
      expect(responses[0]!.toolCalls!.map((c) => c.id)).to.deep.equal(calls.map((c) => c.id));
      expect(responses[1]!.toolCalls ?? []).to.deep.equal([]);
      expect(reply).to.equal(responses[1]!.text);

      // The transcript, as chat templates take it.
      const [user, assistant, ...rest] = chat.messages;
      expect(user).to.deep.equal({ role: 'user', content: 'What is the weather in Paris?' });
      expect(assistant!.role).to.equal('assistant');
      expect(assistant!.tool_calls!.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }))).to.deep.equal(calls);
      const results = rest.filter((m) => m.role === 'tool');
      expect(results.map((m) => m.tool_call_id)).to.deep.equal(calls.map((c) => c.id));
      const weather = results.find((m) => m.name === 'get_weather');
      if (weather) expect(weather.content).to.equal('{"temperature":21}');
      expect(runs.length).to.equal(calls.filter((c) => c.name === 'get_weather').length);
      expect(chat.messages.at(-1)!.role).to.equal('assistant');

      // The second step's prompt is the conversation with the results, through the model's template;
      // and it continued from the first step's KV cache.
      const tools = chat.tools.map(({ name, description, parameters }) => ({ type: 'function', function: { name, description, parameters } }));
      const expected = await promptLength(model, chat.messages.slice(0, -1), tools);
      expect(responses[1]!.promptTokens).to.equal(expected);
      expect(responses[1]!.cachedTokens).to.be.greaterThan(0);

      // Shown compactly: one disclosure per call, its result inside.
      await chat.updateComplete;
      const shown = [...chat.shadowRoot!.querySelectorAll('[part~="tool-call"]')];
      expect(shown.length).to.equal(calls.length);
      expect(shown[0]!.querySelector('summary')!.textContent).to.contain(calls[0]!.name);
      expect(shown[0]!.querySelector('[part~="tool-result"]')!.textContent).to.contain(results[0]!.content);
      await expect(chat).to.be.accessible();
    });
  }

  it('declarative <slm-tool> children, answered with respondWith (a promise)', async () => {
    const chat = await toolChat('slm-tiny-llama3', 'tool-choice="required" max-tool-rounds="1"');
    chat.innerHTML = `<slm-tool name="get_time" description="Current time" parameters='${JSON.stringify(TIME)}'></slm-tool>`;
    chat.addEventListener('slm-tool-call', (event) => {
      event.respondWith(new Promise((resolve) => setTimeout(() => resolve({ time: '09:30' }), 20)));
      // Only once, and only while dispatched.
      expect(() => event.respondWith('again')).to.throw(DOMException);
    });
    await chat.send('What time is it?');
    const result = chat.messages.find((m) => m.role === 'tool')!;
    expect(result).to.include({ name: 'get_time', content: '{"time":"09:30"}' });
  });

  it('sends a thrown error or a rejection back to the model as an error result, and goes on', async () => {
    const chat = await toolChat('slm-tiny-qwen', 'tool-choice="required" max-tool-rounds="1"');
    chat.tools = [{ name: 'get_time', parameters: TIME, run: () => Promise.reject(new Error('clock is broken')) }];
    const responses = collectResponses(chat);
    await chat.send('Time?');
    const result = chat.messages.find((m) => m.role === 'tool')!;
    expect(JSON.parse(result.content)).to.deep.equal({ error: 'clock is broken' });
    expect(responses.length).to.equal(2);
    expect(responses[1]!.reason).not.to.equal('error');
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('[part~="tool-call"]')!.classList.contains('failed')).to.equal(true);
  });

  it('tells the model when nobody handles a call (no listener, no run)', async () => {
    const chat = await toolChat('slm-tiny-qwen', 'tool-choice="required" max-tool-rounds="1"');
    chat.tools = [{ name: 'get_time', parameters: TIME }];
    await chat.send('Time?');
    const result = chat.messages.find((m) => m.role === 'tool')!;
    expect(JSON.parse(result.content).error).to.match(/No handler answered the call to "get_time"/);
  });

  it('ends the turn with tool-timeout when a handler never answers', async () => {
    const chat = await toolChat('slm-tiny-qwen', 'tool-choice="required" tool-timeout="300"');
    chat.tools = [{ name: 'get_time', parameters: TIME }];
    chat.addEventListener('slm-tool-call', (event) => event.respondWith(new Promise(() => {})));
    const error = oneEvent(chat, 'slm-error') as Promise<SlmErrorEvent>;
    await chat.send('Time?');
    expect((await error).detail.code).to.equal('tool-timeout');
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('[part="error"]')!.textContent).to.match(/did not answer within 300 ms/);
    // The send button is back: the turn is over.
    expect(chat.shadowRoot!.querySelector<HTMLButtonElement>('[part="send-button"]')!.hidden).to.equal(false);
  });

  it('stops while a handler is still answering', async () => {
    const chat = await toolChat('slm-tiny-qwen', 'tool-choice="required"');
    chat.tools = [{ name: 'get_time', parameters: TIME }];
    const asked = oneEvent(chat, 'slm-tool-call');
    chat.addEventListener('slm-tool-call', (event) => event.respondWith(new Promise(() => {})));
    let errors = 0;
    chat.addEventListener('slm-error', () => errors++);
    const turn = chat.send('Time?');
    await asked;
    await chat.updateComplete;
    const root = chat.shadowRoot!;
    expect(root.querySelector('[part="status"]')!.textContent).to.contain('Running get_time');
    root.querySelector<HTMLButtonElement>('[part="stop-button"]')!.click();
    const started = performance.now();
    await turn;
    expect(performance.now() - started).to.be.below(1000);
    expect(errors).to.equal(0);
    await chat.updateComplete;
    expect(root.querySelector('[part="status"]')!.textContent).to.equal('Stopped.');
    expect(chat.messages.at(-1)!.tool_calls!.length).to.be.greaterThan(0);
  });

  it('ends tool loops after max-tool-rounds, with an answer in words', async () => {
    const chat = await toolChat('slm-tiny-qwen', 'tool-choice="required" max-tool-rounds="2"');
    chat.tools = [{ name: 'get_time', parameters: TIME, run: () => 'noon' }];
    const responses = collectResponses(chat);
    await chat.send('Time?');
    // Round 1 must call (required); round 2 may; then the model must answer without tools.
    expect(responses.length).to.be.within(2, 3);
    expect(responses.at(-1)!.toolCalls ?? []).to.deep.equal([]);
    expect(chat.messages.at(-1)!.role).to.equal('assistant');
  });

  it('tool-format overrides the template: Llama 3 JSON calls on the Qwen-style model', async () => {
    const chat = await toolChat('slm-tiny-qwen', 'tool-choice="required" tool-format="llama3" max-tool-rounds="1"');
    chat.tools = [{ name: 'get_time', parameters: TIME, run: () => 'noon' }];
    const responses = collectResponses(chat);
    let streamed = '';
    chat.addEventListener('slm-token', (event) => {
      if (responses.length === 0) streamed = event.detail.text;
    });
    await chat.send('Time?');
    expect(streamed).to.match(/^\{"name": "get_time", "parameters": \{"zone": "(UTC|CET)"\}\}$/);
    expect(responses[0]!.toolCalls![0]!.arguments).to.have.property('zone');
  });

  it('tool-choice="none": the model sees the tools but answers in words', async () => {
    const chat = await toolChat('slm-tiny-qwen', 'tool-choice="none" max-new-tokens="12"');
    chat.tools = [{ name: 'get_time', description: 'Time', parameters: TIME, run: () => 'noon' }];
    let calls = 0;
    chat.addEventListener('slm-tool-call', () => calls++);
    const responses = collectResponses(chat);
    await chat.send('Time?');
    expect(calls).to.equal(0);
    expect(responses.length).to.equal(1);
    expect(responses[0]!.toolCalls).to.equal(undefined);
    const tools = [{ type: 'function', function: { name: 'get_time', description: 'Time', parameters: TIME } }];
    expect(responses[0]!.promptTokens).to.equal(await promptLength('slm-tiny-qwen', [{ role: 'user', content: 'Time?' }], tools));
  });

  for (const [label, tools, code, pattern] of [
    ['a bad tool name', [{ name: 'get time', parameters: TIME }], 'invalid-option', /Tool name "get time" is not valid/],
    ['two tools of one name', [{ name: 'a', parameters: TIME }, { name: 'a', parameters: TIME }], 'invalid-option', /Two tools are named "a"/],
    ['parameters that are not JSON', [{ name: 'a', parameters: '{"type":' }], 'invalid-schema', /parameters of tool "a" is not valid JSON/],
    ['parameters the grammar cannot enforce', [{ name: 'a', parameters: { type: 'object', properties: { x: { not: {} } } } }], 'invalid-schema', /tool "a".*not is not supported/],
  ] as const) {
    it(`reports ${label} (${code})`, async () => {
      const chat = await toolChat('slm-tiny-qwen', 'tool-choice="required"');
      chat.tools = tools as never;
      const error = oneEvent(chat, 'slm-error') as Promise<SlmErrorEvent>;
      await typeAndSend(chat, 'Time?');
      const { detail } = await error;
      expect(detail.code).to.equal(code);
      expect(detail.message).to.match(pattern);
      await until(() => chat.shadowRoot!.querySelector('[part="error"]') !== null);
    });
  }
});
