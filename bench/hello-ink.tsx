// The reference bench/wizard.mjs measures next to the wizard: the smallest Ink app, bundled as the
// CLI is (production React, minified) and loaded through bench/hello-ink-entry.ts as the CLI loads
// the wizard. Its first frame is the floor of any Ink screen.
import { Box, Text, render, useApp, useInput } from 'ink';

function Hello() {
  const { exit } = useApp();
  useInput(() => exit());
  return (
    <Box borderStyle="round">
      <Text>Hello from Ink</Text>
    </Box>
  );
}

render(<Hello />);
