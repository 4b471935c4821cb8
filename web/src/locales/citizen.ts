import { defineBundle } from './bundle.ts';

/**
 * Version of the consent text below (citizen.filing.consent*); the server accepts the versions listed in
 * domain/citizen-channel.ts. Change both together when the text changes.
 */
export const CONSENT_VERSION = 'privacy-2026-12-v1';

/** The citizen's channel (issue 18): consent, phone and place at filing, sign-in links, the survey page. */
export const citizenBundle = defineBundle(
  {
    citizen: {
      filing: {
        phone: '전화번호 (선택)',
        phoneHint: '담당자가 빠르게 연락드릴 수 있도록 남겨 주세요. 예: 010-1234-5678',
        phoneInvalid: '전화번호 형식이 아닙니다. 숫자와 - 만 쓸 수 있습니다.',
        place: '장소 (선택)',
        address: '주소 또는 장소 설명',
        latitude: '위도',
        longitude: '경도',
        placeHint: '현장이 있는 민원이면 주소나 좌표를 적어 주세요. 좌표는 위도와 경도를 함께 적습니다.',
        coordinatesTogether: '위도와 경도를 함께 적어 주세요.',
        consentTitle: '개인정보 수집·이용 동의 (필수)',
        consentPurpose: '수집·이용 목적: 민원 접수·처리, 처리 결과 안내, 만족도 조사',
        consentItems: '수집 항목: 성명, 이메일 (필수) / 전화번호, 장소 (선택)',
        consentRetention:
          '보유·이용 기간: 민원 종결 후 1년 (기간이 지나면 성명·연락처·내용을 익명 처리합니다)',
        consentRefusal: '동의를 거부할 권리가 있습니다. 다만 동의하지 않으시면 민원을 접수할 수 없습니다.',
        consentAgree: '위 사항을 확인했으며 개인정보 수집·이용에 동의합니다.',
        consentRequired: '개인정보 수집·이용에 동의해야 민원을 신청할 수 있습니다.',
      },
      details: {
        title: '신청 시 남긴 정보',
        phone: '전화번호',
        place: '장소',
        coordinates: '좌표',
      },
      signIn: {
        title: '로그인 링크 받기',
        lead: '조회 코드를 잃어버리셨나요? 민원을 신청한 이메일 주소를 적으시면 그 주소로 신청한 모든 민원을 볼 수 있는 로그인 링크를 보내 드립니다.',
        email: '이메일',
        submit: '로그인 링크 보내기',
        sent: '해당 주소로 신청한 민원이 있으면 로그인 링크를 보냈습니다. 메일함을 확인해 주세요. 링크는 30분 동안 한 번만 쓸 수 있습니다.',
        opening: '로그인하는 중입니다…',
        expired: '이미 사용했거나 유효 기간이 지난 로그인 링크입니다. 새 링크를 받아 주세요.',
        signedInAs: '{{email}} 주소로 로그인했습니다.',
        signOut: '로그아웃',
        list: '내 민원 목록',
        empty: '이 주소로 신청한 민원이 없습니다.',
        receiptNo: '접수번호',
        subject: '제목',
        stage: '단계',
        receivedAt: '접수일시',
        open: '보기',
        actionsNeedCode: '추가 정보 제출, 취하 등 요청을 하려면 조회 코드로 조회해 주세요.',
        back: '내 민원 목록으로',
      },
      survey: {
        answerTitle: '평가할 답변',
        answeredBy: '{{team}} · 답변일시 {{at}}',
        noAnswer: '답변이 아직 없습니다.',
        expired:
          '설문 링크가 올바르지 않거나 유효 기간이 지났습니다. 나만의 공간에서 로그인 링크를 받아 확인해 주세요.',
        alreadyRated: '이미 평가하신 답변입니다 (만족도 {{score}}/5). 감사합니다.',
        closed: '이 민원은 평가 기간이 끝났거나 종결되었습니다.',
        lowScore: '만족스럽지 못하셨군요. 재처리를 요청하실 수 있습니다.',
        reopen: '재처리 요청',
        reopenReason: '재처리 요청 사유',
        reopened: '재처리 요청이 접수되었습니다. 담당자가 다시 처리합니다.',
      },
    },
  },
  {
    citizen: {
      filing: {
        phone: 'Phone (optional)',
        phoneHint: 'So that the handler can call you back. e.g. 010-1234-5678',
        phoneInvalid: 'This is not a phone number: digits and - only.',
        place: 'Place (optional)',
        address: 'Address or description of the place',
        latitude: 'Latitude',
        longitude: 'Longitude',
        placeHint:
          'If your complaint is about a place, give its address or coordinates (latitude and longitude together).',
        coordinatesTogether: 'Give latitude and longitude together.',
        consentTitle: 'Consent to the collection and use of personal data (required)',
        consentPurpose:
          'Purpose: receiving and handling your complaint, telling you the outcome, the satisfaction survey',
        consentItems: 'Items: name, e-mail (required) / phone, place (optional)',
        consentRetention:
          'Retention: one year after the complaint closes (then name, contact details and text are anonymised)',
        consentRefusal:
          'You have the right to refuse. Without consent, however, the complaint cannot be filed.',
        consentAgree: 'I have read the above and agree to the collection and use of my personal data.',
        consentRequired: 'You must agree to the collection and use of personal data to file a complaint.',
      },
      details: {
        title: 'What you gave when filing',
        phone: 'Phone',
        place: 'Place',
        coordinates: 'Coordinates',
      },
      signIn: {
        title: 'Get a sign-in link',
        lead: 'Lost your access code? Enter the e-mail address you filed with and we will send a link that shows all complaints filed with that address.',
        email: 'E-mail',
        submit: 'Send me a sign-in link',
        sent: 'If complaints were filed with that address, a sign-in link is on its way. Please check your mail. The link works once, for 30 minutes.',
        opening: 'Signing you in…',
        expired: 'This sign-in link was already used or has expired. Please ask for a new one.',
        signedInAs: 'Signed in as {{email}}.',
        signOut: 'Sign out',
        list: 'My complaints',
        empty: 'No complaints were filed with this address.',
        receiptNo: 'Receipt number',
        subject: 'Subject',
        stage: 'Stage',
        receivedAt: 'Received',
        open: 'Open',
        actionsNeedCode:
          'To add information, withdraw and so on, look the complaint up with its access code.',
        back: 'Back to my complaints',
      },
      survey: {
        answerTitle: 'The answer you are rating',
        answeredBy: '{{team}} · answered {{at}}',
        noAnswer: 'There is no answer yet.',
        expired:
          'This survey link is not valid or has expired. Get a sign-in link in My Space to see your complaint.',
        alreadyRated: 'You have already rated this answer ({{score}}/5). Thank you.',
        closed: 'The rating period of this complaint has ended or it is closed.',
        lowScore: 'We are sorry the answer did not satisfy you. You may ask for it to be handled again.',
        reopen: 'Ask to reopen',
        reopenReason: 'Why it should be handled again',
        reopened: 'Your reopen request was received. The handler will work on it again.',
      },
    },
  },
);
