// The engine's public surface: create an engine over compiled rules, and match one event by hand.
export { createEngine, nodeOfSubject, type Engine, type EngineOptions, type EngineResult, type FinishContext } from './engine.js';
export { matchEvent, testMatcher, collectFacts, fieldText, MAX_REGEX_INPUT, type EventMatch } from './match.js';
