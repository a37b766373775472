/**
 * @file Chat dialects of the tiny model: which tokens follow the 256 byte tokens, which of them end
 * a reply, and the chat template. The weights are random either way; a dialect is what a model
 * family's tokenizer and template look like, so the library's handling of them (tool-call
 * formats read from the template, several end-of-sequence tokens, added tokens that are not
 * special) is tested on the real path.
 *
 * - `chatml` (the default, `slm-tiny`): ChatML as Qwen and SmolLM use it, no tools.
 * - `qwen`: Qwen 2.5's template with its tools section (`<tools>`, `<tool_call>`,
 *   `<tool_response>`), and `<tool_call>` / `</tool_call>` as added tokens that are not special,
 *   as in Qwen's tokenizer.
 * - `llama3`: Llama 3.1's template with JSON tool calling (tools in the first user message, calls
 *   as `{"name": …, "parameters": …}`, results from the `ipython` role) and its header tokens;
 *   three end-of-sequence tokens (`<|eot_id|>`, `<|eom_id|>`, `<|end_of_text|>`).
 */

/** ChatML, the template used by Qwen and SmolLM. `'\n'` inside Jinja string literals is an escape the Jinja lexer turns into a newline, exactly as in published models' templates. */
const CHATML =
  '{% for message in messages %}' +
  "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  '{% endfor %}' +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** Qwen 2.5's chat template (tools section as published; its default system sentence left out). */
const QWEN = [
  '{%- if tools %}',
  "{{- '<|im_start|>system\\n' }}",
  "{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] }}{%- else %}{{- 'You are a helpful assistant.' }}{%- endif %}",
  '{{- "\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}',
  '{%- for tool in tools %}{{- "\\n" }}{{- tool | tojson }}{%- endfor %}',
  '{{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}',
  '{%- else %}',
  "{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}{%- endif %}",
  '{%- endif %}',
  '{%- for message in messages %}',
  '{%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}',
  "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}",
  '{%- elif message.role == "assistant" %}',
  "{{- '<|im_start|>' + message.role }}",
  "{%- if message.content %}{{- '\\n' + message.content }}{%- endif %}",
  '{%- for tool_call in message.tool_calls %}',
  '{%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}',
  '{{- \'\\n<tool_call>\\n{"name": "\' }}{{- tool_call.name }}{{- \'", "arguments": \' }}{{- tool_call.arguments | tojson }}{{- \'}\\n</tool_call>\' }}',
  '{%- endfor %}',
  "{{- '<|im_end|>\\n' }}",
  '{%- elif message.role == "tool" %}',
  '{%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}{{- \'<|im_start|>user\' }}{%- endif %}',
  "{{- '\\n<tool_response>\\n' }}{{- message.content }}{{- '\\n</tool_response>' }}",
  '{%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}{{- \'<|im_end|>\\n\' }}{%- endif %}',
  '{%- endif %}',
  '{%- endfor %}',
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}",
].join('\n');

/** Llama 3.1's chat template, JSON tool calling part (the date and `builtin_tools` lines left out). */
const LLAMA3 = [
  '{{- bos_token }}',
  "{%- if messages[0]['role'] == 'system' %}{%- set system_message = messages[0]['content']|trim %}{%- set messages = messages[1:] %}{%- else %}{%- set system_message = '' %}{%- endif %}",
  '{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}',
  '{%- if tools is not none %}{{- "Environment: ipython\\n" }}{%- endif %}',
  '{{- system_message }}{{- "<|eot_id|>" }}',
  '{%- if tools is not none %}',
  "{%- set first_user_message = messages[0]['content']|trim %}{%- set messages = messages[1:] %}",
  "{{- '<|start_header_id|>user<|end_header_id|>\\n\\n' -}}",
  '{{- "Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\\n\\n" }}',
  '{{- \'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.\' }}',
  '{{- "Do not use variables.\\n\\n" }}',
  '{%- for t in tools %}{{- t | tojson(indent=4) }}{{- "\\n\\n" }}{%- endfor %}',
  '{{- first_user_message + "<|eot_id|>"}}',
  '{%- endif %}',
  '{%- for message in messages %}',
  "{%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}",
  "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}",
  "{%- elif 'tool_calls' in message %}",
  '{%- set tool_call = message.tool_calls[0].function %}',
  "{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}",
  '{{- \'{"name": "\' + tool_call.name + \'", \' }}{{- \'"parameters": \' }}{{- tool_call.arguments | tojson }}{{- "}" }}{{- "<|eot_id|>" }}',
  '{%- elif message.role == "tool" or message.role == "ipython" %}',
  '{{- "<|start_header_id|>ipython<|end_header_id|>\\n\\n" }}',
  '{%- if message.content is mapping or message.content is iterable %}{{- message.content | tojson }}{%- else %}{{- message.content }}{%- endif %}',
  '{{- "<|eot_id|>" }}',
  '{%- endif %}',
  '{%- endfor %}',
  "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}",
].join('\n');

/**
 * @typedef {object} Dialect
 * @property {string[]} special Special tokens, in id order from 256.
 * @property {string[]} added Added tokens that are not special (matched in text, kept when decoding), after the special ones.
 * @property {string} template The chat template.
 * @property {string} eos The tokenizer's `eos_token`.
 * @property {string|null} bos The tokenizer's `bos_token`.
 * @property {string} pad The tokenizer's `pad_token`.
 * @property {string[]} stop Tokens that end a reply (`generation_config.eos_token_id`), the first being `config.eos_token_id`.
 * @property {string[]} [additional] `additional_special_tokens` of the tokenizer config.
 */

/** @type {Record<string, Dialect>} */
export const DIALECTS = {
  chatml: {
    special: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'],
    added: [],
    template: CHATML,
    eos: '<|im_end|>',
    bos: null,
    pad: '<|endoftext|>',
    stop: ['<|im_end|>', '<|endoftext|>'],
    additional: ['<|im_start|>', '<|im_end|>'],
  },
  qwen: {
    special: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'],
    added: ['<tool_call>', '</tool_call>'],
    template: QWEN,
    eos: '<|im_end|>',
    bos: null,
    pad: '<|endoftext|>',
    stop: ['<|im_end|>', '<|endoftext|>'],
    additional: ['<|im_start|>', '<|im_end|>'],
  },
  llama3: {
    special: ['<|begin_of_text|>', '<|end_of_text|>', '<|start_header_id|>', '<|end_header_id|>', '<|eot_id|>', '<|eom_id|>', '<|python_tag|>'],
    added: [],
    template: LLAMA3,
    eos: '<|eot_id|>',
    bos: '<|begin_of_text|>',
    pad: '<|end_of_text|>',
    stop: ['<|eot_id|>', '<|eom_id|>', '<|end_of_text|>'],
  },
};

/**
 * The dialect named `name`, with its token ids resolved.
 * @param {string} name
 */
export function dialect(name = 'chatml') {
  const d = DIALECTS[name];
  if (!d) throw new Error(`unknown dialect "${name}" (use one of ${Object.keys(DIALECTS).join(', ')})`);
  const tokens = [...d.special, ...d.added];
  const id = (token) => 256 + tokens.indexOf(token);
  return { ...d, name, tokens, vocabSize: 256 + tokens.length, id };
}
