//! An action the page asked for that cannot be done in this state, and what to do instead: the
//! `refusal` of an [`Error::Refused`](super::Error::Refused). Each sentence names its arguments
//! as `{name}`, filled like a [`Fault`](super::Fault)'s.
//!
//! Each variant's name is its stable id (the page's catalogue key is `err.refusal.<id>`, in
//! www/i18n/errors.en.js and errors.zh.js); the string is its English template.
//! tests/error_catalogue.rs checks that every id has an entry in both languages.

super::ids::catalogue_ids! {
    Refusal
    NoVersion = "there is no version #{id} (it was deleted, or never made)",
    VersionQuantized = "version #{id} \"{name}\" is quantized: the panels train and edit float weights, so run a step on it from the Versions list instead (e.g. huffman or finetune)",
    VersionBinary = "version #{id} \"{name}\" is a binary network: its ±α weights cannot be edited by the float panels; compare it or predict with it instead",
    InputChanged = "the input model changed since the {what} ran (it was trained, pruned or replaced): run the panel again, then save",
    StepNotDone = "the step is not done yet: advance it until its progress says done",
    TeacherNotAVersion = "this student's teacher was trained inside the Distill panel and is not a version: set Teacher to the current model (pick any version as the input) to save the student with its teacher as parent",
}
