import type { ChatModel } from '../../ports/chat-model.ts';
import { AiSdkChatModel } from './ai-sdk-chat-model.ts';
import { ScriptedLanguageModel, type ScriptSource } from './scripted-language-model.ts';

export interface ScriptedChatModel extends ChatModel {
  /** The model underneath; its `calls` are the prompts it received, in order. */
  readonly languageModel: ScriptedLanguageModel;
}

/**
 * A ChatModel that plays a script through the same adapter real providers use, for tests and
 * benchmarks. Not wrapped in retries: wrap it in ResilientChatModel to test those.
 */
export function createScriptedChatModel(script: ScriptSource, id = 'scripted:test'): ScriptedChatModel {
  const languageModel = new ScriptedLanguageModel(script, id.replace(/^scripted:/, ''));
  const chatModel = new AiSdkChatModel(id, languageModel);
  return { id, languageModel, generate: (request) => chatModel.generate(request) };
}
