// The root: reads the wizard store, turns keys into commands through the one keymap, and renders
// the component of the current step. No IO here: the runner owns it.
import { Box, Text, useInput, useWindowSize } from 'ink';
import { useSyncExternalStore } from 'react';
import type { Command, WizardState } from '../wizard/state.js';
import type { WizardStore } from '../wizard/run.js';
import Frame, { type StepTitle } from './components/Frame.js';
import { commandFor, hints } from './keymap.js';
import ApplyingStep from './steps/ApplyingStep.js';
import ConfirmStep from './steps/ConfirmStep.js';
import FilesStep from './steps/FilesStep.js';
import KeychainStep from './steps/KeychainStep.js';
import ScanStep from './steps/ScanStep.js';
import ScopesStep from './steps/ScopesStep.js';
import ServersStep from './steps/ServersStep.js';
import SummaryStep from './steps/SummaryStep.js';
import TrustStep from './steps/TrustStep.js';
import { ThemeContext, createTheme } from './theme.js';

export interface Props {
  store: WizardStore;
  color: boolean;
}

const TITLES: Record<WizardState['step'], StepTitle | 'Cancelled' | 'Error'> = {
  scan: 'Scan',
  servers: 'Servers',
  trust: 'Trust',
  scopes: 'Scopes',
  files: 'Files',
  keychain: 'Keychain',
  confirm: 'Confirm',
  applying: 'Apply',
  summary: 'Summary',
  cancelled: 'Cancelled',
  error: 'Error',
};

function stepHints(state: WizardState): string {
  const h = (...c: Command[]) => hints(c);
  switch (state.step) {
    case 'scan':
      return h('help', 'cancel');
    case 'servers':
      return state.details ? 'Enter or Esc closes · q quit' : h('up', 'accept', 'help', 'cancel');
    case 'trust':
      return state.waitingForPlan ? 'opening the keychain and working out the plan… · Esc back · q quit' : h('up', 'left', 'accept', 'back', 'help', 'cancel');
    case 'scopes':
      return h('up', 'toggle', 'accept', 'back', 'help', 'cancel');
    case 'confirm':
      return 'Enter applies · Esc back · ↑↓ scroll · q quit';
    case 'files':
      return h('accept', 'back', 'help', 'cancel');
    case 'keychain':
      return state.preview ? '↑↓ scroll · Enter continue · Esc back · q quit' : h('up', 'toggle', 'accept', 'back', 'help', 'cancel');
    case 'applying':
      return state.stopping ? 'stopping after the current action…' : 'q stops after the current action';
    case 'summary':
      return `Enter exits (code ${state.summary.exitCode})`;
    case 'cancelled':
      return '';
    case 'error':
      return `Enter exits (code ${state.code})`;
  }
}

export function Body({ state, width, height }: { state: WizardState; width: number; height: number }) {
  switch (state.step) {
    case 'scan':
      return <ScanStep progress={state.progress} />;
    case 'servers':
      return <ServersStep servers={state.data.servers} trust={state.trust} cursor={state.cursor} details={state.details} width={width} height={height} />;
    case 'trust':
      return <TrustStep servers={state.data.servers} trust={state.trust} {...(state.tools ? { tools: state.tools } : {})} cursor={state.cursor} width={width} height={height} />;
    case 'scopes':
      return (
        <ScopesStep
          local={state.local}
          off={state.localOff}
          annotations={state.annotations}
          online={state.online}
          providers={state.data.providers}
          cursor={state.cursor}
          width={width}
          height={height}
        />
      );
    case 'files':
      return <FilesStep files={state.data.files} width={width} height={height} />;
    case 'keychain':
      return (
        <KeychainStep
          secrets={state.data.secrets}
          levels={state.levels}
          cursor={state.cursor}
          preview={state.preview}
          scroll={state.scroll}
          keychain={state.data.keychain}
          width={width}
          height={height}
        />
      );
    case 'confirm':
      return <ConfirmStep preview={state.preview} scroll={state.scroll} height={height} />;
    case 'applying':
      return <ApplyingStep lines={state.lines} stopping={state.stopping} height={height} />;
    case 'summary':
      return <SummaryStep summary={state.summary} before={state.data.before} providers={state.data.providers} width={width} height={height} />;
    case 'cancelled':
      return (
        <Box marginBottom={1}>
          <Text>Cancelled. Nothing was changed.</Text>
        </Box>
      );
    case 'error':
      return (
        <Box flexDirection="column" marginBottom={1}>
          <Text wrap="wrap">mcp-harden: {state.message}</Text>
          <Text wrap="wrap">Nothing more was changed. `mcp-harden audit` shows the findings; `mcp-harden fix --dry-run` the plan.</Text>
        </Box>
      );
  }
}

export default function App({ store, color }: Props) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { columns, rows } = useWindowSize();
  useInput((input, key) => {
    const command = commandFor(input, key);
    if (command) store.dispatch({ type: 'command', command });
  });
  // The whole frame stays one row shorter than the terminal, so Ink redraws in place.
  const width = Math.max(40, columns);
  const height = Math.max(8, rows - 4);
  return (
    <ThemeContext.Provider value={createTheme(color)}>
      <Frame title={TITLES[state.step]} width={width} hints={stepHints(state)} help={state.help}>
        <Box flexDirection="column" height={height} overflow="hidden">
          <Body state={state} width={width} height={height} />
        </Box>
      </Frame>
    </ThemeContext.Provider>
  );
}
