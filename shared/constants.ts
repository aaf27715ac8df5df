export const APP_NAME = 'SmolAlbum';
export const DEFAULT_MODEL = 'HuggingFaceTB/SmolVLM-256M-Instruct';
/** Pinned revision of the default model (HF commit of SmolVLM-256M-Instruct). */
export const DEFAULT_MODEL_REVISION = '7e3e67edbbed1bf9888184d9df282b700a323964';
export const OFFERED_MODELS = [
  { repo: 'HuggingFaceTB/SmolVLM-256M-Instruct', label: 'SmolVLM 256M', params: 256e6 },
  { repo: 'HuggingFaceTB/SmolVLM-500M-Instruct', label: 'SmolVLM 500M', params: 500e6 },
  { repo: 'HuggingFaceTB/SmolVLM-Instruct', label: 'SmolVLM 2.2B', params: 2.2e9 },
] as const;
export const THUMB_GRID_PX = 256;
export const THUMB_PREVIEW_PX = 1600;
