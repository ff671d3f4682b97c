// The flow store, for the question components (they cancel through it).
import { createContext, useContext } from 'react';
import type { FlowStore } from './store.js';

const none: FlowStore = { getState: () => ({ title: '', lines: [], question: null, task: null, stopping: false }), subscribe: () => () => {}, cancel() {} };
export const FlowStoreContext = createContext<FlowStore>(none);
export const useFlowStore = () => useContext(FlowStoreContext);
