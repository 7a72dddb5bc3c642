'use strict';

// A sales call long enough for a Call Score (50+ words), with a budget, a competitor, a sign-off
// and a security review for Nebula's answers.
const SALES_CALL = [
  "Maria: Hi Tom, thanks for joining. I'm Maria from Brightline and this is Dev, our solutions engineer.",
  'Tom: Thanks Maria. We want to cut the time our agents spend on call notes.',
  'Maria: What does your team use today for call notes?',
  'Tom: Mostly manual notes in the CRM, and we are also looking at Globex.',
  'Maria: What budget have you set aside for this project?',
  'Tom: Our budget is about $80,000 for the first year.',
  'Tom: My CTO needs to sign off, and security review is a hard requirement for us.',
  'Dev: We pass SOC 2, so the security review should be quick.',
  'Maria: I will send the proposal with volume pricing by Friday.',
  "Tom: Great, let's schedule a demo for the security team next Tuesday.",
].join('\n');

module.exports = { SALES_CALL };
