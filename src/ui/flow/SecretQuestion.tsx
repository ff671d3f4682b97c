// A masked answer (a token). The typed value lives only in a ref of this component until Enter
// hands it to the flow: it is never rendered, only a fixed mask and its length. Every typed or
// pasted character is part of the value (q too); only Esc and Ctrl+C cancel.
import { Box, Text, useInput, usePaste } from 'ink';
import { useRef, useState } from 'react';
import { useTheme } from '../theme.js';
import { useFlowStore } from './context.js';
import { maskOf, type Question } from './store.js';
import QuestionLine from './QuestionLine.js';

type Secret = Extract<Question, { kind: 'secret' }>;

/** Printable characters only: a paste may carry a newline or other control bytes. */
const printable = (text: string) => [...text].filter((ch) => ch >= ' ' && ch !== '\x7f').join('');

export default function SecretQuestion({ question, width }: { question: Secret; width: number }) {
  const theme = useTheme();
  const store = useFlowStore();
  const value = useRef('');
  // What is drawn: the length only.
  const [length, setLength] = useState(0);
  const [refused, setRefused] = useState<string | null>(null);

  const append = (text: string) => {
    const add = printable(text);
    if (!add) return;
    value.current += add;
    setLength([...value.current].length);
  };
  const submit = () => {
    const verdict = question.submit(value.current);
    value.current = '';
    setLength(0);
    setRefused(verdict === true ? null : verdict);
  };

  useInput((input, key) => {
    if ((key.ctrl && input === 'c') || key.escape) return store.cancel();
    if (key.return) return submit();
    if (key.backspace || key.delete) {
      value.current = [...value.current].slice(0, -1).join('');
      setLength([...value.current].length);
      return;
    }
    if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.tab) return;
    // Typed fast (or pasted without bracketed paste), Enter can arrive in the same chunk.
    const cut = input.search(/[\r\n]/);
    if (cut < 0) return append(input);
    append(input.slice(0, cut));
    submit();
  });
  // Bracketed paste: a pasted newline is part of the paste, not Enter.
  usePaste((text) => append(text));

  return (
    <Box flexDirection="column" width={width}>
      <QuestionLine message={question.message} />
      <Text wrap="truncate-end">
        {'    '}
        {length ? maskOf(length) : <Text color={theme.muted}>(type or paste; nothing is shown)</Text>}
      </Text>
      {refused !== null ? (
        <Text wrap="wrap" color={theme.bad}>
          {'    ✗ '}
          {refused}
        </Text>
      ) : null}
    </Box>
  );
}
