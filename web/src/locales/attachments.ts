import { defineBundle } from './bundle.ts';

/** Attachments (issue 12 item 2): the file picker, its limits, and the lists on the case and My Space. */
export const attachmentsBundle = defineBundle(
  {
    attachments: {
      title: '첨부파일',
      pick: '파일 첨부',
      placeholder: '파일을 선택하세요',
      limits:
        '최대 {{count}}개, 파일당 {{size}}까지. 사진(JPG·PNG·GIF·WEBP·HEIC), PDF, 한글(HWP·HWPX), 오피스 문서, 텍스트 파일을 올릴 수 있습니다. 파일 형식은 내용으로 확인합니다.',
      tooMany: '파일은 최대 {{count}}개까지 첨부할 수 있습니다.',
      tooLarge: '"{{name}}" 파일이 {{size}}를 넘습니다.',
      wrongType: '"{{name}}" 파일은 첨부할 수 없는 형식입니다.',
      none: '첨부파일이 없습니다.',
      download: '내려받기',
      thumbnail: '{{name}} 미리보기',
      filed: '접수 시 첨부',
      onMessage: '{{kind}}에 첨부',
    },
  },
  {
    attachments: {
      title: 'Attachments',
      pick: 'Attach files',
      placeholder: 'Choose files',
      limits:
        'Up to {{count}} files of {{size}} each. Photos (JPG, PNG, GIF, WEBP, HEIC), PDF, Hangul (HWP, HWPX), office documents and text files. The type is checked by content.',
      tooMany: 'At most {{count}} files can be attached.',
      tooLarge: '"{{name}}" is larger than {{size}}.',
      wrongType: '"{{name}}" is not a type that can be attached.',
      none: 'No attachments.',
      download: 'Download',
      thumbnail: 'Preview of {{name}}',
      filed: 'Attached when filed',
      onMessage: 'Attached to: {{kind}}',
    },
  },
);
