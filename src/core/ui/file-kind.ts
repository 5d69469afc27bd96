/*
 * What kind of file a name and a media type describe, for the icon and the
 * one-word label people see beside a file ("PDF document", "Image").
 */

export type FileCategory =
  | 'pdf'
  | 'image'
  | 'video'
  | 'audio'
  | 'archive'
  | 'spreadsheet'
  | 'presentation'
  | 'document'
  | 'text'
  | 'code'
  | 'file'

const BY_EXTENSION: Record<string, FileCategory> = {
  pdf: 'pdf',
  jpg: 'image',
  jpeg: 'image',
  png: 'image',
  gif: 'image',
  webp: 'image',
  heic: 'image',
  avif: 'image',
  svg: 'image',
  bmp: 'image',
  tif: 'image',
  tiff: 'image',
  mp4: 'video',
  mov: 'video',
  mkv: 'video',
  webm: 'video',
  avi: 'video',
  m4v: 'video',
  mp3: 'audio',
  wav: 'audio',
  flac: 'audio',
  ogg: 'audio',
  m4a: 'audio',
  aac: 'audio',
  opus: 'audio',
  zip: 'archive',
  '7z': 'archive',
  rar: 'archive',
  gz: 'archive',
  tgz: 'archive',
  bz2: 'archive',
  xz: 'archive',
  zst: 'archive',
  tar: 'archive',
  dmg: 'archive',
  iso: 'archive',
  xls: 'spreadsheet',
  xlsx: 'spreadsheet',
  ods: 'spreadsheet',
  csv: 'spreadsheet',
  tsv: 'spreadsheet',
  numbers: 'spreadsheet',
  ppt: 'presentation',
  pptx: 'presentation',
  odp: 'presentation',
  key: 'presentation',
  doc: 'document',
  docx: 'document',
  odt: 'document',
  rtf: 'document',
  pages: 'document',
  epub: 'document',
  txt: 'text',
  md: 'text',
  log: 'text',
  json: 'code',
  xml: 'code',
  yaml: 'code',
  yml: 'code',
  html: 'code',
  css: 'code',
  js: 'code',
  ts: 'code',
  py: 'code',
  go: 'code',
  rs: 'code',
  java: 'code',
  c: 'code',
  h: 'code',
  cpp: 'code',
  sh: 'code',
  sql: 'code',
}

const LABELS: Record<FileCategory, string> = {
  pdf: 'PDF document',
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
  archive: 'Archive',
  spreadsheet: 'Spreadsheet',
  presentation: 'Presentation',
  document: 'Document',
  text: 'Text',
  code: 'Code',
  file: 'File',
}

export interface FileKind {
  category: FileCategory
  /** "PDF document", "Image", "File". */
  label: string
  /** The name's extension in capitals, at most 4 characters ("PDF", "XLSX"); empty when it has none. */
  extension: string
}

/** The kind of a file from its name, or failing that its media type. */
export function fileKind(name: string, contentType: string): FileKind {
  const dot = name.lastIndexOf('.')
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
  const type = contentType.toLowerCase()
  const major = type.split('/')[0]
  const category: FileCategory =
    BY_EXTENSION[extension] ??
    (type === 'application/pdf'
      ? 'pdf'
      : major === 'image' || major === 'video' || major === 'audio'
        ? major
        : major === 'text'
          ? 'text'
          : /zip|compressed|tar|archive/.test(type)
            ? 'archive'
            : /spreadsheet|excel/.test(type)
              ? 'spreadsheet'
              : /presentation|powerpoint/.test(type)
                ? 'presentation'
                : /wordprocessing|msword|opendocument\.text/.test(type)
                  ? 'document'
                  : 'file')
  const shown = /^[a-z0-9]{1,4}$/.test(extension) ? extension.toUpperCase() : ''
  return { category, label: LABELS[category], extension: shown }
}
