/* Keeps a library valid while its glob is still empty. */
typedef int inkpin_empty_translation_unit;
