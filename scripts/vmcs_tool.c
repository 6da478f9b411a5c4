/*
 * vmcs: a host tool that explains VMCS encodings, exit reasons and
 * VM-instruction errors from the same tables the VMM uses.
 *
 * Built with the host compiler (it uses stdio); not part of the UEFI app.
 * Exit status: 0 answered, 1 no such field/reason/error, 2 bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit/exit_reasons.h"
#include "util.h"
#include "vmcs/vmcs.h"
#include "vmcs/vm_errors.h"

#define EXIT_ANSWERED 0
#define EXIT_NOT_FOUND 1
#define EXIT_USAGE 2

static const char usage_text[] =
	"usage: vmcs COMMAND [ARGS]\n"
	"\n"
	"  list [--csv]       every VMCS field; --csv prints\n"
	"                     encoding,name,width,type (width and type\n"
	"                     decoded from the encoding bits)\n"
	"  decode ENCODING    explain each bit group of an encoding and\n"
	"                     the field it names\n"
	"  exit-reason N      name a basic exit reason, or decode a full\n"
	"                     exit-reason field such as 0x80000021\n"
	"  vm-error N         name a VM-instruction error number\n"
	"  --help             this text\n"
	"\n"
	"Numbers are decimal or 0x-prefixed hexadecimal.\n";

static int usage(FILE *out, int status)
{
	fputs(usage_text, out);
	return status;
}

/* Decimal or 0x hex, no sign, at most 32 bits. */
static int parse_u32(const char *s, uint32_t *out)
{
	int base = 10;
	const char *digits = s;
	char *end;
	unsigned long long v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
	}
	if (!*digits || !strchr("0123456789abcdefABCDEF", *digits))
		return -1;
	if (base == 10 && !strchr("0123456789", *digits))
		return -1;
	errno = 0;
	v = strtoull(digits, &end, base);
	if (errno || *end || v > 0xffffffffull)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int bad_number(const char *what, const char *arg)
{
	fprintf(stderr,
		"vmcs: %s: '%s' is not a 32-bit number "
		"(decimal or 0x hex)\n",
		what, arg);
	return EXIT_USAGE;
}

static int cmd_list_csv(void)
{
	puts("encoding,name,width,type");
	for (size_t i = 0; i < vmcs_field_count; i++) {
		const struct vmcs_field_info *fi = &vmcs_fields[i];

		/* Decoded, not declared, so a test can cross-check them. */
		printf("0x%04" PRIx32 ",%s,%s,%s\n", fi->enc, fi->name,
		       vmcs_width_name(vmcs_enc_width(fi->enc)),
		       vmcs_type_name(vmcs_enc_type(fi->enc)));
	}
	return EXIT_ANSWERED;
}

static const char *const type_titles[] = {
	[VMCS_TYPE_CONTROL] = "Control fields",
	[VMCS_TYPE_EXIT_INFO] = "VM-exit information fields (read-only)",
	[VMCS_TYPE_GUEST] = "Guest-state fields",
	[VMCS_TYPE_HOST] = "Host-state fields",
};

static int cmd_list(void)
{
	size_t notes = 0;

	printf("%zu VMCS fields (SDM 3D appendix B), grouped by the type "
	       "their encoding declares.\n"
	       "'!' marks a field whose category or encoding misleads.\n",
	       vmcs_field_count);
	for (int t = VMCS_TYPE_CONTROL; t <= VMCS_TYPE_HOST; t++) {
		printf("\n%s\n", type_titles[t]);
		printf("  %-6s  %-36s  %s\n", "enc", "name", "width");
		for (size_t i = 0; i < vmcs_field_count; i++) {
			const struct vmcs_field_info *fi = &vmcs_fields[i];

			if ((int)fi->type != t)
				continue;
			printf("  0x%04" PRIx32 "  %-36s  %s%s\n", fi->enc,
			       fi->name, vmcs_width_name(fi->width),
			       fi->note ? "  !" : "");
			if (fi->note) {
				printf("          ! %s\n", fi->note);
				notes++;
			}
		}
	}
	printf("\n%zu fields carry a note.\n", notes);
	return EXIT_ANSWERED;
}

static const char *ok_or_set(uint32_t bits)
{
	return bits ? "SET (must be 0)" : "0 (ok)";
}

static int cmd_decode(const char *arg)
{
	const struct vmcs_field_info *fi;
	uint32_t enc;
	bool high;

	if (parse_u32(arg, &enc))
		return bad_number("decode", arg);

	printf("encoding 0x%04" PRIx32 " (SDM 3C 25.11.2)\n", enc);
	printf("  bit  0      access type  %u (%s)\n",
	       (unsigned int)vmcs_enc_access_high(enc),
	       vmcs_enc_access_high(enc) ? "high: bits 63:32" : "full");
	printf("  bits 9:1    index        %u\n", vmcs_enc_index(enc));
	printf("  bits 11:10  type         %u (%s)\n",
	       (unsigned int)vmcs_enc_type(enc),
	       vmcs_type_name(vmcs_enc_type(enc)));
	printf("  bit  12     reserved     %s\n", ok_or_set(enc & 0x1000u));
	printf("  bits 14:13  width        %u (%s)\n",
	       (unsigned int)vmcs_enc_width(enc),
	       vmcs_width_name(vmcs_enc_width(enc)));
	printf("  bits 31:15  reserved     %s\n", ok_or_set(enc & 0xffff8000u));

	if (!vmcs_enc_valid(enc)) {
		printf("invalid: reserved bits are set; VMREAD/VMWRITE fail "
		       "(VM-instruction error 12)\n");
		return EXIT_NOT_FOUND;
	}
	if (!vmcs_enc_well_formed(enc)) {
		printf("invalid: only 64-bit fields have a high access\n");
		fi = vmcs_field_by_encoding(enc & ~VMCS_ENC_HIGH_BIT, NULL);
		if (fi)
			printf("field: none (0x%04" PRIx32 " is %s, a %s-bit "
			       "field)\n",
			       fi->enc, fi->name, vmcs_width_name(fi->width));
		return EXIT_NOT_FOUND;
	}
	fi = vmcs_field_by_encoding(enc, &high);
	if (!fi) {
		printf("field: no such field\n");
		return EXIT_NOT_FOUND;
	}
	if (high)
		printf("field: high half of %s (bits 63:32 of 0x%04" PRIx32
		       ")\n",
		       fi->name, fi->enc);
	else
		printf("field: %s (%s-bit %s)\n", fi->name,
		       vmcs_width_name(fi->width), vmcs_type_name(fi->type));
	if (fi->note)
		printf("note: %s\n", fi->note);
	return EXIT_ANSWERED;
}

static int cmd_exit_reason(const char *arg)
{
	struct exit_reason_decoded d;
	uint32_t raw;

	if (parse_u32(arg, &raw))
		return bad_number("exit-reason", arg);
	d = exit_reason_decode(raw);

	printf("exit reason 0x%08" PRIx32 " (SDM 3C 25.9.1)\n", raw);
	if (d.name)
		printf("  bits 15:0  basic reason %u: %s (%s)\n",
		       (unsigned int)d.basic, d.name,
		       exit_reason_description(d.basic));
	else
		printf("  bits 15:0  basic reason %u: unknown\n",
		       (unsigned int)d.basic);
	for (size_t i = 0; i < exit_reason_flag_count; i++)
		if (raw & exit_reason_flags[i].mask)
			printf("  flag %s: %s\n", exit_reason_flags[i].name,
			       exit_reason_flags[i].description);
	if (d.undefined_bits)
		printf("  undefined bits set: 0x%08" PRIx32
		       " (bit 16 is always 0; 25:17 and 30 undefined)\n",
		       d.undefined_bits);
	return d.name ? EXIT_ANSWERED : EXIT_NOT_FOUND;
}

static int cmd_vm_error(const char *arg)
{
	uint32_t n;
	const char *name;

	if (parse_u32(arg, &n))
		return bad_number("vm-error", arg);
	name = vm_error_name(n);
	if (!name) {
		printf("vm-instruction error %" PRIu32
		       ": unknown or reserved (SDM 3C 31.4)\n",
		       n);
		return EXIT_NOT_FOUND;
	}
	printf("vm-instruction error %" PRIu32 ": %s (%s)\n", n, name,
	       vm_error_description(n));
	return EXIT_ANSWERED;
}

static const struct {
	const char *name;
	int (*run)(const char *arg);
} one_arg_cmds[] = {
	{"decode", cmd_decode},
	{"exit-reason", cmd_exit_reason},
	{"vm-error", cmd_vm_error},
};

int main(int argc, char **argv)
{
	const char *cmd;

	if (vmcs_table_check() >= 0) {
		fprintf(stderr, "vmcs: field table out of order at row %d\n",
			vmcs_table_check());
		return EXIT_USAGE;
	}
	if (argc < 2)
		return usage(stderr, EXIT_USAGE);
	cmd = argv[1];

	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") ||
	    !strcmp(cmd, "help"))
		return usage(stdout, EXIT_ANSWERED);
	if (!strcmp(cmd, "list")) {
		if (argc == 2)
			return cmd_list();
		if (argc == 3 && !strcmp(argv[2], "--csv"))
			return cmd_list_csv();
		return usage(stderr, EXIT_USAGE);
	}
	for (size_t i = 0; i < COUNT_OF(one_arg_cmds); i++) {
		if (strcmp(cmd, one_arg_cmds[i].name))
			continue;
		if (argc != 3) {
			fprintf(stderr, "vmcs: %s takes one argument\n", cmd);
			return usage(stderr, EXIT_USAGE);
		}
		return one_arg_cmds[i].run(argv[2]);
	}

	fprintf(stderr, "vmcs: unknown command '%s'\n", cmd);
	return usage(stderr, EXIT_USAGE);
}
