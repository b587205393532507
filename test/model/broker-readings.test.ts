// warren's readings of values RabbitMQ parses itself, against the Erlang
// RabbitMQ runs them with (OTP's `erl`, the broker's runtime): a max age
// (rabbit_amqqueue:check_max_age/1), and the tags the dynamic providers send
// joined with commas (rabbit_auth_backend_internal:tag_list_from/1 for users,
// rabbit_vhost:parse_tags/1 for vhosts). The Erlang below is RabbitMQ 3.10.8's.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAgeRefusal } from '../../src/format/read-max-age.js';
import { TAG_PATTERN } from '../../src/format/format-constants.js';

/** Runs `fun` (an Erlang fun of one binary) over the inputs; its results as Erlang prints them. */
function erl(fun: string, inputs: readonly string[]): string[] {
  const list = inputs.map((i) => `<<"${Buffer.from(i).toString('base64')}">>`).join(',');
  const script = `F = ${fun}, Out = [F(base64:decode(B)) || B <- [${list}]], io:format("~w~n", [Out]), halt().`;
  const out = execFileSync('erl', ['-noshell', '-eval', script], { encoding: 'utf8', timeout: 60_000 });
  return out.trim().slice(1, -1).split(',');
}

const CHECK_MAX_AGE = `fun(V) ->
  case re:run(V, "(^[0-9]*)(.*)", [{capture, all_but_first, list}]) of
    {match, [Value, Unit]} ->
      case catch list_to_integer(Value) of
        I when is_integer(I), I > 0 -> lists:member(Unit, ["Y", "M", "D", "h", "m", "s"]);
        _ -> false
      end;
    _ -> false
  end
end`;

// Tags as the dynamic providers send them (joined with commas), read as
// RabbitMQ reads them: each fun gets `Joined<RS>Tag1<US>Tag2…` and says
// whether RabbitMQ keeps exactly the tags sent.
const tagsKept = (read: string) => `fun(V) ->
  [Joined, Each] = binary:split(V, <<30>>),
  Sent = [binary_to_list(S) || S <- binary:split(Each, <<31>>, [global])],
  ${read} =:= Sent
end`;
// rabbit_auth_backend_internal:tag_list_from/1
const USER_TAGS = tagsKept('[string:strip(T) || T <- string:tokens(binary_to_list(Joined), ",")]');
// rabbit_vhost:parse_tags/1 and trim_tag/1
const VHOST_TAGS = tagsKept('[string:trim(T) || T <- re:split(binary_to_list(Joined), ",", [{return, list}])]');

describe('x-max-age and the max-age policy key', () => {
  it('are refused by warren exactly when RabbitMQ refuses them', () => {
    const samples = [
      '7D',
      '1Y',
      '12M',
      '30m',
      '5s',
      '24h',
      '0D',
      '00s',
      'D',
      '',
      '7',
      '7d',
      '7DD',
      '-1D',
      '+1D',
      ' 7D',
      '7 D',
      '7D\n',
      '7D\nanything',
      '7\nD',
      '7D\r',
      '0007h',
      '99999999999999999999Y',
      '٣D',
    ];
    const random = fc.sample(fc.stringMatching(/^[0-9]{0,3}[YMDhms\n dx]{0,3}$/), 200);
    const inputs = [...samples, ...random];
    const broker = erl(CHECK_MAX_AGE, inputs);
    expect(broker).toHaveLength(inputs.length);
    const mismatches = inputs.filter((v, i) => (maxAgeRefusal(v) === undefined) !== (broker[i] === 'true'));
    expect(mismatches).toEqual([]);
    expect(broker.filter((b) => b === 'true').length).toBeGreaterThan(10);
    expect(broker.filter((b) => b === 'false').length).toBeGreaterThan(10);
  });
});

describe('user and vhost tags', () => {
  const tag = new RegExp(TAG_PATTERN, 'u');
  // Lists of tags warren takes and does not: commas, spaces at either end, empty tags.
  const tagLists = [
    ['administrator'],
    ['monitoring', 'custom-tag'],
    ['a b'],
    ['monitoring,administrator'],
    [' ops'],
    ['ops '],
    [''],
    ['a', ''],
    ['tab\t'],
    ['é'],
    ...fc.sample(fc.array(fc.stringMatching(/^[a-c ,\t]{0,4}$/), { minLength: 1, maxLength: 3 }), 200),
  ];

  it.each([
    ['users', USER_TAGS],
    ['vhosts', VHOST_TAGS],
  ])('%s: the tags warren takes are exactly those RabbitMQ keeps as sent', (_, fun) => {
    const broker = erl(
      fun,
      tagLists.map((tags) => `${tags.join(',')}\u001e${tags.join('\u001f')}`),
    );
    expect(broker).toHaveLength(tagLists.length);
    // warren may refuse a little more than RabbitMQ changes: whitespace it would not trim (a tab, for users), empty tags it would keep.
    const stricter = (tags: string[]) => tags.some((t) => t === '' || /^\s|\s$/.test(t));
    const wrong = tagLists.filter((tags, i) => {
      const warrenTakes = tags.every((t) => tag.test(t));
      const kept = broker[i] === 'true';
      return warrenTakes !== kept && !(kept && stricter(tags));
    });
    expect(wrong).toEqual([]);
    // Both verdicts occur.
    expect(broker.filter((b) => b === 'true').length).toBeGreaterThan(10);
    expect(broker.filter((b) => b === 'false').length).toBeGreaterThan(10);
  });
});
