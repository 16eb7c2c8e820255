// The protocols' answer assemblers (DESIGN.md §13, the inspector's "assembled" answer): each
// format's JSON answer and its stream, written after the documented event sequences, give the same
// text, reasoning and tool calls — Responses (output_text, reasoning summaries, function_call
// items and argument deltas), chat (content and tool_calls deltas joined per index, a repeated
// name kept once, reasoning in both of its fields counted once), Messages
// (text, thinking, tool_use with input_json_delta); what is not an answer of the format is null.
import { describe, expect, it } from 'vitest';
import { chatProtocol, embeddingsProtocol, messagesProtocol, responsesProtocol } from '../../src/protocols/index.js';

describe('Responses', () => {
  const response = {
    id: 'resp_1', object: 'response', status: 'completed',
    output: [
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'First I think.' }, { type: 'summary_text', text: 'Then I answer.' }] },
      { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello, ' }, { type: 'output_text', text: 'world.' }] },
    ],
  };
  const frames = [
    { type: 'response.created', sequence_number: 0, response: { ...response, status: 'in_progress', output: [] } },
    { type: 'response.output_item.added', output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } },
    { type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'First ' },
    { type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 0, delta: 'I think.' },
    { type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 1, delta: 'Then I answer.' },
    { type: 'response.output_item.added', output_index: 1, item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '' } },
    { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 1, delta: '{"city":' },
    { type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 1, delta: '"Paris"}' },
    { type: 'response.output_item.added', output_index: 2, item: { id: 'msg_1', type: 'message', content: [] } },
    { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 2, content_index: 0, delta: 'Hello, ' },
    { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 2, content_index: 1, delta: 'world.' },
    { type: 'response.completed', sequence_number: 9, response },
  ];
  const expected = {
    text: 'Hello, world.',
    reasoning: 'First I think.\n\nThen I answer.',
    tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
  };

  it('reads a Response object and its stream alike', () => {
    expect(responsesProtocol.assemble({ json: response })).toEqual(expected);
    expect(responsesProtocol.assemble({ frames })).toEqual(expected);
  });

  it('a cut stream gives what its deltas carried; a stream without deltas is read from its terminal response', () => {
    expect(responsesProtocol.assemble({ frames: frames.slice(0, 7) })).toEqual({ text: '', reasoning: 'First I think.\n\nThen I answer.', tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":' }] });
    expect(responsesProtocol.assemble({ frames: [frames[0], frames[frames.length - 1]] })).toEqual(expected);
  });

  it('the `*.done` copy of the arguments wins over their deltas', () => {
    const done = { type: 'response.function_call_arguments.done', item_id: 'fc_1', output_index: 1, name: 'get_weather', arguments: '{"city":"Lyon"}' };
    expect(responsesProtocol.assemble({ frames: [...frames.slice(0, 7), done] })?.tool_calls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Lyon"}' }]);
  });

  it('what is not a Response is no answer', () => {
    expect(responsesProtocol.assemble({ json: { id: 'conv_1', object: 'conversation' } })).toBeNull();
    expect(responsesProtocol.assemble({ frames: [{ n: 1 }] })).toBeNull();
  });
});

describe('chat completions', () => {
  const completion = {
    id: 'chatcmpl-1', object: 'chat.completion',
    choices: [{
      index: 0, finish_reason: 'tool_calls',
      message: {
        role: 'assistant', content: 'Let me check.', reasoning_content: 'The user wants weather.',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
    }],
  };
  const chunk = (delta: Record<string, unknown>): Record<string, unknown> => ({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }] });
  const frames = [
    chunk({ role: 'assistant', content: '' }),
    chunk({ reasoning_content: 'The user ' }),
    chunk({ reasoning_content: 'wants weather.' }),
    chunk({ content: 'Let me ' }),
    chunk({ content: 'check.' }),
    chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
    { id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } },
  ];

  it('joins content and each tool call\'s argument deltas by index, as the completion has them', () => {
    const expected = {
      text: 'Let me check.',
      reasoning: 'The user wants weather.',
      tool_calls: [{ id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' }, { id: 'call_b', name: 'get_time', arguments: '{}' }],
    };
    expect(chatProtocol.assemble({ json: completion })).toEqual(expected);
    expect(chatProtocol.assemble({ frames })).toEqual(expected);
  });

  it('a tool call name a server repeats on every delta is the name (not repeated); reasoning sent in both fields counts once', () => {
    const repeated = [
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: 'get_weather', arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: '', arguments: '"Paris"}' } }] }),
      chunk({ reasoning_content: 'The user ', reasoning: 'The user ' }),
      chunk({ reasoning: 'wants weather.', reasoning_content: 'wants weather.' }),
    ];
    expect(chatProtocol.assemble({ frames: repeated })).toEqual({ text: '', reasoning: 'The user wants weather.', tool_calls: [{ id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const both = { ...completion, choices: [{ ...completion.choices[0], message: { ...completion.choices[0]?.message, reasoning: 'The user wants weather.' } }] };
    expect(chatProtocol.assemble({ json: both })?.reasoning).toBe('The user wants weather.');
    expect(chatProtocol.assemble({ frames: [chunk({ reasoning: 'only the other field' })] })?.reasoning).toBe('only the other field');
  });

  it('embeddings and moderations have no answer to assemble', () => {
    expect(chatProtocol.assemble({ json: { object: 'list', data: [] } })).toBeNull();
    expect(embeddingsProtocol.assemble({ json: { object: 'list', data: [{ embedding: [0.1] }] } })).toBeNull();
  });
});

describe('Messages', () => {
  const message = {
    id: 'msg_1', type: 'message', role: 'assistant', stop_reason: 'tool_use',
    content: [
      { type: 'thinking', thinking: 'Weather needs a tool.', signature: 'sig' },
      { type: 'text', text: 'Checking the weather.' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris', units: 'c' } },
    ],
  };
  const frames = [
    { type: 'message_start', message: { ...message, content: [], stop_reason: null } },
    { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Weather needs ' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'a tool.' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
    { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Checking ' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'the weather.' } },
    { type: 'content_block_stop', index: 1 },
    { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } },
    { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city":"Paris",' } },
    { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"units":"c"}' } },
    { type: 'content_block_stop', index: 2 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } },
    { type: 'message_stop' },
  ];

  it('reads thinking, text and tool_use from a message and from its stream alike', () => {
    const expected = {
      text: 'Checking the weather.',
      reasoning: 'Weather needs a tool.',
      tool_calls: [{ id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris","units":"c"}' }],
    };
    expect(messagesProtocol.assemble({ json: message })).toEqual(expected);
    expect(messagesProtocol.assemble({ frames })).toEqual(expected);
  });

  it('a tool block whose input came whole keeps it; count_tokens answers are no message', () => {
    const whole = [{ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_2', name: 'noop', input: { a: 1 } } }, { type: 'message_stop' }];
    expect(messagesProtocol.assemble({ frames: whole })?.tool_calls).toEqual([{ id: 'toolu_2', name: 'noop', arguments: '{"a":1}' }]);
    expect(messagesProtocol.assemble({ json: { input_tokens: 12 } })).toBeNull();
  });
});
