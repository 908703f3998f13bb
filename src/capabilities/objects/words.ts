import en from './words/en.json' with { type: 'json' };
import ko from './words/ko.json' with { type: 'json' };
import zhCN from './words/zh-CN.json' with { type: 'json' };

/** The objects capability's own sentences (`words/<locale>.json`): the reconciling check's. */
export const OBJECTS_WORDS = { en, ko, 'zh-CN': zhCN };
